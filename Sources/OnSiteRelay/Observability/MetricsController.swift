import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OnSiteCore
import OnSiteCrypto

/// `GET /metrics`: the Prometheus text exposition.
///
/// Who may read it: a request with an admin device's token (`onsite-relay device add --role admin`); or, when
/// `metricsLoopbackWithoutToken` is set, any request from a loopback address (a Prometheus on the relay's own
/// machine). Do not set it when the relay serves plain HTTP behind a proxy on the same machine: every request
/// would then come from loopback.
struct MetricsController: Sendable {
    let store: any RelayDeviceStorage & RelayMetricsStorage
    let metrics: RelayMetrics
    let loopbackWithoutToken: Bool

    func addRoutes(to router: Router<RelayRequestContext>) {
        router.get("metrics", use: scrape)
    }

    @Sendable func scrape(_ request: Request, context: RelayRequestContext) async throws -> Response {
        if !(loopbackWithoutToken && Self.isLoopback(context.clientAddress)) {
            guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { throw RelayError.metricsNeedToken }
            let token = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
            guard let device = try await store.device(tokenHash: DeviceToken.hashHex(of: token)) else { throw RelayError.unknownToken }
            guard !device.isRevoked else { throw RelayError.revoked(device.name) }
            guard device.role == .admin else { throw RelayError.metricsForbidden }
            context.notes.deviceId = device.id
        }
        let text = metrics.exposition(
            activeDevices: try await store.activeDeviceCount(since: Date().addingTimeInterval(-86_400)),
            databaseBytes: try await store.databaseBytes())
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: text)))
    }

    static func isLoopback(_ address: String?) -> Bool {
        guard let address else { return false }
        return address.hasPrefix("127.") || address == "::1" || address.hasPrefix("::ffff:127.")
    }
}
