import Foundation
import OnSiteRelay
import Testing

/// A configuration key the relay does not know is refused with the nearest known one, at any depth.
@Suite("Relay configuration keys")
struct RelayConfigurationTests {
    static func load(_ json: String) throws(RelayConfigurationError) -> RelayConfiguration {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("relay-\(UUID().uuidString).json").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(json.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try RelayConfiguration.load(file: path)
    }

    @Test("Unknown keys are refused, naming the key, where it is and the nearest known key", arguments: [
        (#"{"dataDir": "x"}"#, "`dataDir` at the top level; did you mean `dataDirectory`?"),
        (#"{"Port": 1}"#, "`Port` at the top level; did you mean `port`?"),
        (#"{"connections": {"maxConnection": 3}}"#, "`maxConnection` in `connections`; did you mean `maxConnections`?"),
        (#"{"limits": {"maxTextLenght": 3}}"#, "`maxTextLenght` in `limits`; did you mean `maxTextLength`?"),
        (#"{"metricsLoopback": true}"#, "did you mean `metricsLoopbackWithoutToken`?"),
    ])
    func unknownKeys(json: String, says: String) {
        #expect {
            _ = try Self.load(json)
        } throws: { error in
            "\(error)".contains(says) && "\(error)".contains("Known keys there")
        }
    }

    @Test("Every key the relay writes is known: Samples/relay.json and an encoded configuration load")
    func knownKeys() throws {
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Samples/relay.json")
        let loaded = try RelayConfiguration.load(file: sample.path)
        #expect(loaded.port == 8443)
        var everything = RelayConfiguration()
        everything.tls = .init(certificateChain: "/c.pem", privateKey: "/k.pem")
        everything.metricsLoopbackWithoutToken = true
        everything.dataDirectory = "/srv/onsite/data"
        let json = String(decoding: try JSONEncoder().encode(everything), as: UTF8.self)
        #expect(try Self.load(json) == everything)
    }

    @Test("A file that is not a JSON object is refused with a sentence")
    func notJSON() {
        #expect(throws: RelayConfigurationError.self) { _ = try Self.load("port: 8443") }
    }
}
