import Foundation
import Hummingbird
import Logging

/// One access-log line and the request metrics for every request, whatever its outcome (401s, 404s and blob
/// downloads included): request id, device, client address, method, route, status and duration.
///
/// The token is never logged; the device appears by id once ``DeviceAuthenticator`` has resolved it. For
/// streamed answers (blob downloads) the duration runs until the head is sent.
struct AccessLogMiddleware: RouterMiddleware {
    let metrics: RelayMetrics
    let routes: RouteTable

    func handle(_ request: Request, context: RelayRequestContext, next: (Request, RelayRequestContext) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context: context, status: Int(response.status.code), since: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(request, context: context, status: Int(status), since: start)
            throw error
        }
    }

    private func record(_ request: Request, context: RelayRequestContext, status: Int, since start: ContinuousClock.Instant) {
        let duration = ContinuousClock.now - start
        let route = routes.pattern(forPath: request.uri.path) ?? "unmatched"
        let method = request.method.rawValue
        metrics.recordRequest(route: route, method: method, status: status, duration: duration)
        // A chunk the relay accepted: a PATCH answered 2xx stored its bytes (or found the blob complete already).
        if request.method == .patch, route == "/v1/uploads/{sha256}", (200..<300).contains(status),
           let length = request.headers[.contentLength].flatMap({ Int($0) }) {
            metrics.recordUploadBytes(length)
        }
        context.logger.info("request", metadata: [
            "relay.device": .string(context.notes.deviceId ?? "-"),
            "relay.client": .string(context.clientAddress ?? "-"),
            "relay.method": .string(method),
            "relay.route": .string(route),
            "relay.status": .stringConvertible(status),
            "relay.durationMs": .string(String(format: "%.1f", Double(duration.components.attoseconds) / 1e15 + Double(duration.components.seconds) * 1000)),
        ])
    }
}
