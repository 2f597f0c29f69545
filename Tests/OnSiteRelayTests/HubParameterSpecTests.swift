import Foundation
@testable import OnSiteRelay
import Testing

/// The hub's query parameter bounds are stated twice: in `Protocol/openapi.yaml` (what clients and schemathesis read)
/// and in ``HubQueryParameters/maxCharacters`` (what the relay enforces). They must not drift apart.
@Suite("Hub parameter bounds")
struct HubParameterSpecTests {
    /// Each query parameter of the spec with the `maxLength`s its declarations give (a name may be declared on
    /// several routes), read line by line: a `name:` line, then `in: query`, then a `schema:` line.
    func specQueryBounds() throws -> [String: Set<Int>] {
        let specURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Protocol/openapi.yaml")
        let lines = try String(contentsOf: specURL, encoding: .utf8).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        var bounds: [String: Set<Int>] = [:]
        var name: String?
        var inQuery = false
        for line in lines {
            if line.hasPrefix("- name: ") || line.hasPrefix("name: ") {
                name = String(line.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces))
                inQuery = false
            } else if line == "in: query" {
                inQuery = true
            } else if line.hasPrefix("schema:"), inQuery, let current = name {
                if let range = line.range(of: "maxLength: "), let value = Int(line[range.upperBound...].prefix { $0.isNumber }) {
                    bounds[current, default: []].insert(value)
                }
                name = nil
                inQuery = false
            }
        }
        return bounds
    }

    @Test("every bound the relay enforces is the maxLength openapi.yaml declares for that parameter, on every route")
    func relayBoundsMatchTheSpec() throws {
        let spec = try specQueryBounds()
        for (parameter, limit) in HubQueryParameters.maxCharacters.sorted(by: { $0.key < $1.key }) {
            #expect(spec[parameter] == [limit], "\(parameter): relay \(limit), openapi.yaml \(spec[parameter].map { "\($0.sorted())" } ?? "nothing")")
        }
    }
}
