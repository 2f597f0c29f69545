import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL store's schema history: its own list, recorded in its own table `onsite_migration`, applied in
/// order, each once. All pending migrations run in one transaction under an advisory lock, so relays started
/// together on one database migrate it once, and a failure leaves the schema as it was.
///
/// Each migration's body is a static func in a file of its own (`PostgresRelayStore+…Schema.swift`); this list
/// registers it in one line.
enum PostgresMigrations {
    struct Migration: Sendable {
        let name: String
        let body: @Sendable (PostgresConnection, Logger) async throws -> Void
    }

    static let all: [Migration] = [
        Migration(name: "p1: devices, identity and the log head", body: PostgresRelayStore.createDevicesAndIdentity),
        Migration(name: "p2: device keys", body: PostgresRelayStore.createDeviceKeys),
        Migration(name: "p3: the log", body: PostgresRelayStore.createLog),
        Migration(name: "p4: blob uploaders, relay state and the hub's columns", body: PostgresRelayStore.createFacetTables),
    ]

    /// The key of the advisory lock migrations hold (the bytes of "onsite-m").
    static let lockKey: Int64 = 0x6F6E_7369_7465_2D6D

    static func migrate(_ store: PostgresRelayStore) async throws {
        let action = "apply the schema migrations"
        let logger = store.logger
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: try store.location.connectionConfiguration(), id: 0, logger: logger)
        } catch {
            throw PostgresStoreError.failed(action, at: store.location, error: error)
        }
        do {
            try await migrate(store, on: connection)
            try? await connection.close()
        } catch {
            try? await connection.close()
            throw PostgresStoreError.reporting(error, while: action, at: store.location)
        }
    }

    private static func migrate(_ store: PostgresRelayStore, on connection: PostgresConnection) async throws {
        let logger = store.logger
        try await connection.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS onsite_migration (name text PRIMARY KEY, applied_at timestamptz NOT NULL)
                """, logger: logger)
            var applied = Set<String>()
            for try await name in try await connection.query("SELECT name FROM onsite_migration", logger: logger).decode(String.self) {
                applied.insert(name)
            }
            let known = Set(all.map(\.name))
            if let unknown = applied.subtracting(known).sorted().first {
                throw PostgresStoreError.newerSchema(unknown, at: store.location)
            }
            for migration in all where !applied.contains(migration.name) {
                try await migration.body(connection, logger)
                try await connection.query("INSERT INTO onsite_migration (name, applied_at) VALUES (\(migration.name), \(Date()))", logger: logger)
                logger.notice("migrated the PostgreSQL store", metadata: ["relay.migration": .string(migration.name)])
            }
        }
    }
}
