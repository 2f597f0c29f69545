import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import OnSiteRelay
import OnSiteSync
import Testing

/// A known path asked with a method it does not serve answers 405 with `Allow`; the route table behind it
/// matches the router and `Protocol/openapi.yaml`.
@Suite("Method not allowed")
struct MethodNotAllowedTests {
    static let methods: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete, .options]
    static let hash = String(repeating: "ab", count: 32)

    static func uri(_ pattern: String) -> String {
        pattern.replacingOccurrences(of: "{sha256}", with: hash).replacingOccurrences(of: "{id}", with: "no-such-report")
            .replacingOccurrences(of: "{district}", with: "tp-dien-bien-phu").replacingOccurrences(of: "{commune}", with: "phuong-him-lam")
    }

    @Test("Every other method on a known path is a 405 with Allow and a JSON error body, before authentication")
    func undeclaredMethods() async throws {
        // Given a relay and no token
        let fixture = try await RelayRouteTests.Fixture()
        try await fixture.server.makeApplication().test(.router) { client in
            for route in RouteTable.relay.routes {
                for method in Self.methods where !route.methods.contains(method) {
                    // When a path is asked with a method it does not serve
                    try await client.execute(uri: Self.uri(route.pattern), method: method) { response in
                        // Then the answer is 405 naming the methods it serves
                        #expect(response.status == .methodNotAllowed, "\(method) \(route.pattern)")
                        #expect(response.headers[.allow] == route.methods.map(\.rawValue).joined(separator: ", "))
                        if method != .head {
                            let body = try RelayRouteTests.decode(ErrorBody.self, response.body)
                            #expect(body.error.code == .methodNotAllowed)
                            #expect(body.error.message.contains(method.rawValue))
                        } else {
                            #expect(response.body.readableBytes == 0)
                        }
                    }
                }
            }
        }
    }

    @Test("Every method of the table reaches a handler, and unknown paths stay 404")
    func declaredMethods() async throws {
        let fixture = try await RelayRouteTests.Fixture()
        try await fixture.server.makeApplication().test(.router) { client in
            for route in RouteTable.relay.routes {
                for method in route.methods {
                    try await client.execute(uri: Self.uri(route.pattern), method: method, headers: RelayRouteTests.headers(fixture.hub.token)) { response in
                        #expect(response.status != .methodNotAllowed, "\(method) \(route.pattern)")
                        // The router's own 404 (no handler) has the code http_404; a handler's 404 names what is missing.
                        if response.status == .notFound, method != .head, route.pattern.hasPrefix("/open311/") {
                            // Open311's error array, with the relay's code beside the status.
                            let body = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [[String: Any]]
                            #expect(body?.first?["onsite_code"] as? String == "out_of_scope", "\(method) \(route.pattern) has no handler")
                        } else if response.status == .notFound, method != .head {
                            let body = try RelayRouteTests.decode(ErrorBody.self, response.body)
                            #expect(body.error.code != .httpStatus(404), "\(method) \(route.pattern) has no handler")
                        }
                    }
                }
            }
            for path in ["/v2/me", "/v1/me/again", "/v1", "/"] {
                try await client.execute(uri: path, method: .delete) { response in
                    #expect(response.status == .notFound, "\(path)")
                }
            }
        }
    }

    @Test("The supervisor page's routes are metered under their pattern, not `unmatched`")
    func webRoutesHavePatterns() {
        #expect(RouteTable.relay.pattern(forPath: "/web") == "/web")
        #expect(RouteTable.relay.pattern(forPath: "/web/districts/huyen-tua-chua/communes/-") == "/web/districts/{district}/communes/{commune}")
        #expect(RouteTable.relay.pattern(forPath: "/web/photos/\(Self.hash)/thumbnail") == "/web/photos/{sha256}/thumbnail")
        #expect(RouteTable.relay.allowedMethods(forPath: "/web/signin") == [.get, .post])
        #expect(RouteTable.relay.pattern(forPath: "/web/nothing/here") == nil)
    }

    @Test("The API's route table declares the paths and methods of Protocol/openapi.yaml")
    func tableMatchesSpec() throws {
        // Given the spec's `paths:` section, read line by line (two-space path keys, four-space method keys)
        let specURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Protocol/openapi.yaml")
        let lines = try String(contentsOf: specURL, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        var spec: [String: Set<String>] = [:]
        var current: String?
        var inPaths = false
        for line in lines {
            if line == "paths:" { inPaths = true; continue }
            if inPaths, !line.hasPrefix(" "), !line.isEmpty { break }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                let path = String(line.dropFirst(2).dropLast())
                current = path
                spec[path] = []
            } else if let path = current, line.hasPrefix("    "), !line.hasPrefix("     ") {
                let key = line.dropFirst(4).prefix { $0 != ":" }
                if ["get", "put", "post", "delete", "options", "head", "patch", "trace"].contains(String(key)) {
                    spec[path, default: []].insert(key.uppercased())
                }
            }
        }
        // Then the table has the same paths with the same methods
        let table = Dictionary(uniqueKeysWithValues: RouteTable.api.routes.map { ($0.pattern, Set($0.methods.map(\.rawValue))) })
        #expect(table == spec)
    }
}
