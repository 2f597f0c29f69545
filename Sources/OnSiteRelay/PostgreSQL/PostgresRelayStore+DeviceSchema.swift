import Foundation
import Logging
import PostgresNIO

extension PostgresRelayStore {
    /// Migration `p1: devices, identity and the log head`.
    ///
    /// `log_head` is the log's one-row counter: a push will take its next versions by updating that row in its own
    /// transaction, so log appends are serialised and versions commit in order (`Protocol/sync.md`).
    @Sendable static func createDevicesAndIdentity(_ connection: PostgresConnection, logger: Logger) async throws {
        let statements: [PostgresQuery] = [
            """
            CREATE TABLE device (
                id text PRIMARY KEY,
                name text NOT NULL,
                role text NOT NULL,
                units text NOT NULL,
                token_hash text NOT NULL UNIQUE,
                created_at timestamptz NOT NULL,
                revoked_at timestamptz,
                served_version bigint NOT NULL DEFAULT 0 CHECK (served_version >= 0))
            """,
            """
            CREATE TABLE retired_token (
                token_hash text PRIMARY KEY,
                device_id text NOT NULL REFERENCES device,
                retired_at timestamptz NOT NULL)
            """,
            """
            CREATE TABLE device_seen (
                device_id text PRIMARY KEY REFERENCES device,
                last_seen_at timestamptz NOT NULL)
            """,
            """
            CREATE TABLE relay_identity (
                singleton integer PRIMARY KEY CHECK (singleton = 1),
                relay_id text NOT NULL,
                epoch bigint NOT NULL CHECK (epoch >= 1),
                restored_at timestamptz)
            """,
            "INSERT INTO relay_identity (singleton, relay_id, epoch) VALUES (1, \(UUID().uuidString.lowercased()), 1)",
            """
            CREATE TABLE log_head (
                singleton integer PRIMARY KEY CHECK (singleton = 1),
                version bigint NOT NULL CHECK (version >= 0))
            """,
            "INSERT INTO log_head (singleton, version) VALUES (1, 0)",
        ]
        for statement in statements {
            try await connection.query(statement, logger: logger)
        }
    }
}
