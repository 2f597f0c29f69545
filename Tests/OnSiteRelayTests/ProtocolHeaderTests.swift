import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import OnSiteRelay
import OnSiteSync
import Testing

/// `OnSite-Protocol` on a `/v1/` route: absent or 2 is served, anything else is 400 `unsupported_protocol`.
@Suite("Protocol header")
struct ProtocolHeaderTests {
    static func headers(_ token: String, protocol value: String?) -> HTTPFields {
        var fields = RelayRouteTests.headers(token)
        if let value, let name = HTTPField.Name(SyncProtocol.versionHeader) { fields[name] = value }
        return fields
    }

    @Test("Absent or 2 is served", arguments: [nil, "2"] as [String?])
    func served(value: String?) async throws {
        let fixture = try await RelayRouteTests.Fixture()
        try await fixture.server.makeApplication().test(.router) { client in
            try await client.execute(uri: "/v1/me", method: .get, headers: Self.headers(fixture.officer.token, protocol: value)) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test("Another version, an empty value or text is 400 unsupported_protocol, naming what was sent",
          arguments: ["1", "3", "0", "", "-58800", "v1"])
    func refused(value: String) async throws {
        // Given an enrolled officer
        let fixture = try await RelayRouteTests.Fixture()
        try await fixture.server.makeApplication().test(.router) { client in
            for (uri, method) in [("/v1/me", HTTPRequest.Method.get), ("/v1/changes", .get), ("/v1/changesets", .post)] {
                // When the header names something other than 2
                try await client.execute(uri: uri, method: method, headers: Self.headers(fixture.officer.token, protocol: value)) { response in
                    // Then nothing is read and the answer says what to do
                    #expect(response.status == .badRequest, "\(method) \(uri)")
                    let body = try RelayRouteTests.decode(ErrorBody.self, response.body)
                    #expect(body.error.code == .unsupportedProtocol)
                    #expect(body.error.message.contains("protocol `\(value)`"))
                }
            }
            // Health has no protocol of its own: it stays open to probes.
            try await client.execute(uri: "/healthz", method: .get, headers: Self.headers(fixture.officer.token, protocol: value)) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test("A version 1 client is told to update the app; a newer one that the relay must be updated")
    func adviceBySide() async throws {
        let fixture = try await RelayRouteTests.Fixture()
        try await fixture.server.makeApplication().test(.router) { client in
            let older = try await client.execute(uri: "/v1/changes", method: .get, headers: Self.headers(fixture.officer.token, protocol: "1")) {
                try RelayRouteTests.decode(ErrorBody.self, $0.body).error.message
            }
            #expect(older.contains("Update the app") && older.contains("queued work is kept"))
            let newer = try await client.execute(uri: "/v1/changes", method: .get, headers: Self.headers(fixture.officer.token, protocol: "3")) {
                try RelayRouteTests.decode(ErrorBody.self, $0.body).error.message
            }
            #expect(newer.contains("relay is older than the app"))
        }
    }
}
