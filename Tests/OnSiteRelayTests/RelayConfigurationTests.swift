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

    // MARK: The store

    @Test("Without `store` the relay keeps the SQLite file in its data folder, alone")
    func storeAbsent() throws {
        let configuration = try Self.load(#"{"dataDirectory": "/srv/onsite/data"}"#)
        #expect(configuration.store == nil)
        let location = try configuration.storeLocation()
        #expect(location == .sqlite(path: "/srv/onsite/data/relay.sqlite"))
        #expect(!location.isShared)
    }

    @Test("`store` names a PostgreSQL database by URL; the environment's ONSITE_RELAY_STORE overrides it")
    func storeURL() throws {
        // Given: a file naming one database
        var configuration = try Self.load(#"{"store": "postgresql://onsite:secret@db.example:5433/onsite?sslmode=require"}"#)
        let expected = PostgresStoreLocation(host: "db.example", port: 5433, username: "onsite", password: "secret", database: "onsite", tlsMode: .require)
        let location = try configuration.storeLocation()
        #expect(location == .postgresql(expected))
        #expect(location.isShared)
        #expect(!location.description.contains("secret"), "the password is never shown")

        // When: the environment names another
        try configuration.apply(environment: ["ONSITE_RELAY_STORE": "postgres://relay@10.0.0.5/province"])

        // Then: the environment wins
        #expect(try configuration.storeLocation() == .postgresql(PostgresStoreLocation(host: "10.0.0.5", username: "relay", database: "province")))
    }

    @Test("A `store` that is not a usable PostgreSQL URL is refused, saying where it was read and what to write, without its password", arguments: [
        (#"{"store": "mysql://onsite:hunter2@db/onsite"}"#, ["`store` in", "\"mysql…\") is not a PostgreSQL URL", "postgresql://USER"]),
        (#"{"store": "relay.sqlite"}"#, ["`store` in", "is not a PostgreSQL URL", "leave `store` out"]),
        (#"{"store": "postgresql://onsite:hunter2@db.example"}"#, ["`store` in", "names no database"]),
        (#"{"store": "postgresql://db.example/onsite"}"#, ["`store` in", "names no user"]),
        (#"{"store": "postgresql://onsite@db.example/onsite?sslmode=verify"}"#, ["`store` in", "only sslmode=disable, prefer or require"]),
    ])
    func storeRefused(json: String, says: [String]) {
        #expect {
            _ = try Self.load(json)
        } throws: { error in
            let text = "\(error)"
            return says.allSatisfy { text.contains($0) } && !text.contains("hunter2")
        }
    }

    @Test("A bad ONSITE_RELAY_STORE is refused, naming the variable, and changes nothing")
    func storeFromEnvironmentRefused() throws {
        // Given: a configuration on its SQLite file
        var configuration = try Self.load(#"{"dataDirectory": "/srv/onsite/data", "port": 9000}"#)
        let before = configuration

        // When: the environment names something that is not a PostgreSQL URL
        #expect {
            try configuration.apply(environment: ["ONSITE_RELAY_STORE": "sqlite:relay.sqlite", "ONSITE_RELAY_PORT": "9001"])
        } throws: { error in
            "\(error)".contains("ONSITE_RELAY_STORE") && "\(error)".contains("is not a PostgreSQL URL")
        }

        // Then: nothing was applied, the port neither; the store is still the SQLite file
        #expect(configuration == before)
        #expect(try configuration.storeLocation() == .sqlite(path: "/srv/onsite/data/relay.sqlite"))
    }
}
