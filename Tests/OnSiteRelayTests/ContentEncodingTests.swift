import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import OnSiteCompression
import OnSiteCore
import OnSiteRelay
import OnSiteSync
import Testing

/// Issue 10, a compressed wire: gzip both ways, and no decompression bomb gets past the body limit.
@Suite("gzip on the wire")
struct ContentEncodingTests {
    typealias Fixture = RelayRouteTests.Fixture

    static func headers(_ token: String, _ extra: [(HTTPField.Name, String)]) -> HTTPFields {
        var fields = RelayRouteTests.headers(token)
        for (name, value) in extra { fields[name] = value }
        return fields
    }

    @Test("gzip round-trips, and inflation stops at the limit")
    func gzipBounds() throws {
        let text = Data(String(repeating: "Điện Biên Phủ ", count: 5_000).utf8)
        let compressed = try Gzip.compress(text)
        #expect(compressed.count < text.count / 20)
        #expect(try Gzip.decompress(compressed, limit: text.count) == text)
        #expect(throws: GzipError.tooLarge(limit: text.count - 1)) { try Gzip.decompress(compressed, limit: text.count - 1) }
        #expect(throws: GzipError.self) { try Gzip.decompress(Data("not gzip".utf8), limit: 1_000) }
        #expect(throws: GzipError.self) { try Gzip.decompress(compressed.prefix(compressed.count / 2), limit: text.count) }
        #expect(throws: GzipError.self) { try Gzip.decompress(compressed + Data([0x00]), limit: text.count) }
        #expect(Gzip.isAccepted(byHeader: "deflate, gzip;q=0.5"))
        #expect(!Gzip.isAccepted(byHeader: "gzip;q=0, deflate"))
        #expect(!Gzip.isAccepted(byHeader: nil))
    }

    @Test("a decompression bomb is refused with 413 before it is inflated past the body limit, and changes nothing")
    func decompressionBomb() async throws {
        let fixture = try await Fixture()
        // 64 MiB of zeros: about 64 KB compressed, well under the 4 MiB body limit
        let bomb = try Gzip.compress(Data(count: 64 << 20), level: 9)
        #expect(bomb.count < 4 << 20)
        try await fixture.server.makeApplication().test(.router) { client in
            try await client.execute(uri: "/v1/changesets", method: .post,
                                     headers: Self.headers(fixture.hub.token, [(.contentEncoding, "gzip")]), body: ByteBuffer(bytes: bomb)) { response in
                #expect(response.status == .contentTooLarge)
                let error = try RelayRouteTests.decode(ErrorBody.self, response.body).error
                #expect(error.code == .bodyTooLarge)
                #expect(error.message.contains("inflates past"))
            }
            try await client.execute(uri: "/v1/changesets", method: .post,
                                     headers: Self.headers(fixture.hub.token, [(.contentEncoding, "br")]), body: ByteBuffer(bytes: [1, 2, 3])) { response in
                #expect(response.status == .unsupportedMediaType)
            }
        }
        #expect(try await fixture.server.store.serverVersion() == 0)
    }

    @Test("a gzip change set is accepted, and a pull page is gzip-compressed for a device that accepts it")
    func gzipBothWays() async throws {
        let fixture = try await Fixture()
        let reports = (1...20).map { fixture.report("r\($0)", commune: "phuong-muong-thanh") }
        let push = fixture.changeSet(from: fixture.hub.id, sequence: 1, reports.map { (.createReport($0), $0.id) })
        let plain = try WireCoding.encode(push)
        try await fixture.server.makeApplication().test(.router) { client in
            try await client.execute(uri: "/v1/changesets", method: .post,
                                     headers: Self.headers(fixture.hub.token, [(.contentEncoding, "gzip"), (.acceptEncoding, "gzip")]),
                                     body: ByteBuffer(bytes: try Gzip.compress(plain))) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.acceptEncoding] == "gzip")
                let body = Data(response.body.readableBytesView)
                let json = response.headers[.contentEncoding] == "gzip" ? try Gzip.decompress(body, limit: 1 << 20) : body
                #expect(try WireCoding.decode(PushResult.self, from: json).appliedCount == 20)
            }
            let plainBytes = try await client.execute(uri: "/v1/changes?since=0", method: .get, headers: Self.headers(fixture.officer.token, [])) { response in
                #expect(response.headers[.contentEncoding] == nil)
                let page = try RelayRouteTests.decode(PullPage.self, response.body)
                #expect(page.snapshots.count == 20)
                return response.body.readableBytes
            }
            try await client.execute(uri: "/v1/changes?since=0", method: .get, headers: Self.headers(fixture.officer.token, [(.acceptEncoding, "gzip, deflate")])) { response in
                #expect(response.headers[.contentEncoding] == "gzip")
                #expect(response.headers[.vary] == "Accept-Encoding")
                let compressed = Data(response.body.readableBytesView)
                #expect(compressed.count * 4 < plainBytes, "\(compressed.count) of \(plainBytes) bytes")
                let page = try WireCoding.decode(PullPage.self, from: try Gzip.decompress(compressed, limit: 1 << 20))
                #expect(page.snapshots.count == 20)
            }
        }
    }
}
