import Foundation
import Logging
import OnSiteRelay
import OnSiteSync
import PostgresNIO
import Testing

/// What only the PostgreSQL store has: its URL, its own migration list, relays sharing one database.
@Suite("PostgreSQL store")
struct PostgresStoreTests {
    @Test func theURLGivesServerUserDatabaseAndTLSAndHidesThePassword() throws {
        let location = try PostgresStoreLocation("postgresql://onsite:bí-mật@db.example.vn:5433/onsite_hcm?sslmode=require")
        #expect(location.host == "db.example.vn")
        #expect(location.port == 5433)
        #expect(location.username == "onsite")
        #expect(location.password == "bí-mật")
        #expect(location.database == "onsite_hcm")
        #expect(location.tlsMode == .require)
        #expect(!location.description.contains("bí-mật"))
        let plain = try PostgresStoreLocation("postgres://relay@127.0.0.1/onsite")
        #expect(plain.port == 5432)
        #expect(plain.password == nil)
        #expect(plain.tlsMode == .prefer)
    }

    @Test(arguments: [
        "relay-data", "postgresql://127.0.0.1/onsite", "postgresql://relay@/onsite", "postgresql://relay@127.0.0.1",
        "postgresql://relay@127.0.0.1/onsite?sslmode=maybe", "postgresql://relay@127.0.0.1/onsite?timeout=3",
    ])
    func aURLMissingAPartIsRefusedWithASentence(text: String) {
        #expect(throws: RelayConfigurationError.self) { try PostgresStoreLocation(text) }
    }

    @Test func aPasswordInARefusedURLIsNotRepeated() {
        let error = #expect(throws: RelayConfigurationError.self) { try PostgresStoreLocation("postgresql://relay:s3cret@127.0.0.1/") }
        #expect(error?.description.contains("s3cret") == false)
    }

    @Test func relaysStartingTogetherMigrateOnceAndAgainIsANoOp() async throws {
        let location = try await PostgresTestCluster.freshDatabase()
        // Eight relays start at once on an empty database: the advisory lock lets one migrate, the others see it done.
        try await withThrowingTaskGroup(of: RelayIdentity.self) { group in
            for _ in 0..<8 {
                group.addTask { try await PostgresRelayStore.withStore(at: location, blobs: PostgresTestCluster.noBlobs) { try await $0.identity() } }
            }
            var identities = Set<RelayIdentity>()
            for try await identity in group { identities.insert(identity) }
            #expect(identities.count == 1)
        }
        try await PostgresRelayStore.withStore(at: location, blobs: PostgresTestCluster.noBlobs) { store in
            try await store.migrate()
            #expect(try await store.identity().epoch == 1)
        }
        let names = try await Self.migrationNames(at: location)
        #expect(names.count == Set(names).count)
        #expect(!names.isEmpty)
    }

    @Test func aDatabaseMigratedByANewerRelayIsRefusedAndLeftAsItWas() async throws {
        let location = try await PostgresTestCluster.freshDatabase()
        try await PostgresRelayStore.withStore(at: location, blobs: PostgresTestCluster.noBlobs) { _ in }
        try await Self.execute("INSERT INTO onsite_migration (name, applied_at) VALUES ('p99: from the future', now())", at: location)
        let error = await #expect(throws: PostgresStoreError.self) {
            try await PostgresRelayStore.withStore(at: location, blobs: PostgresTestCluster.noBlobs) { _ in }
        }
        #expect(error?.description.contains("p99: from the future") == true)
        #expect(try await Self.migrationNames(at: location).contains("p99: from the future"))
    }

    @Test func anUnreachableServerIsNamedInTheError() async throws {
        // Port 1 on loopback: nothing listens there; the migrations' own connection fails at once.
        let location = PostgresStoreLocation(host: "127.0.0.1", port: 1, username: "relay", password: "s3cret", database: "onsite", tlsMode: .disable)
        let error = await #expect(throws: PostgresStoreError.self) {
            try await PostgresRelayStore.withStore(at: location, blobs: PostgresTestCluster.noBlobs) { _ in }
        }
        #expect(error?.description.contains("127.0.0.1:1/onsite") == true)
        #expect(error?.description.contains("s3cret") == false)
    }

    static func execute(_ sql: String, at location: PostgresStoreLocation) async throws {
        let connection = try await connect(location)
        try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "test.postgres"))
        try await connection.close()
    }

    static func migrationNames(at location: PostgresStoreLocation) async throws -> [String] {
        let connection = try await connect(location)
        var names: [String] = []
        let rows = try await connection.query("SELECT name FROM onsite_migration ORDER BY name", logger: Logger(label: "test.postgres"))
        for try await name in rows.decode(String.self) { names.append(name) }
        try await connection.close()
        return names
    }

    static func connect(_ location: PostgresStoreLocation) async throws -> PostgresConnection {
        let configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.username, password: location.password,
            database: location.database, tls: .disable)
        return try await PostgresConnection.connect(configuration: configuration, id: 1, logger: Logger(label: "test.postgres"))
    }
}
