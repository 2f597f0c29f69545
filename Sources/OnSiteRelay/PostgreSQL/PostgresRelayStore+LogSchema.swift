import Foundation
import Logging
import PostgresNIO

extension PostgresRelayStore {
    /// Migration `p3: the log`: change sets, reports, the hash-chained log, scope history, attachment references,
    /// compacted operation ids and signed checkpoints (as ``RelayStore``'s v1 to v8). `log_head` gains the chain
    /// hash of its version, so a push reads the chain's head from the row it locks.
    @Sendable static func createLog(_ connection: PostgresConnection, logger: Logger) async throws {
        let statements: [PostgresQuery] = [
            """
            CREATE TABLE change_set (
                id text PRIMARY KEY,
                device_id text NOT NULL REFERENCES device,
                sequence bigint NOT NULL,
                received_at timestamptz NOT NULL,
                result bytea NOT NULL,
                UNIQUE (device_id, sequence))
            """,
            """
            CREATE TABLE report (
                id text PRIMARY KEY,
                version bigint NOT NULL,
                province text NOT NULL,
                district text NOT NULL,
                commune text,
                assigned_unit text,
                state bytea NOT NULL,
                field_versions text NOT NULL DEFAULT '{}')
            """,
            """
            CREATE TABLE log (
                version bigint PRIMARY KEY,
                operation_id text NOT NULL UNIQUE,
                change_set_id text NOT NULL,
                device_id text NOT NULL,
                report_id text NOT NULL REFERENCES report,
                operation bytea NOT NULL,
                chain_hash bytea NOT NULL)
            """,
            "CREATE INDEX log_report ON log (report_id, version)",
            "CREATE TABLE scope_log (version bigint NOT NULL, report_id text NOT NULL, units text NOT NULL)",
            "CREATE INDEX scope_log_report ON scope_log (report_id, version)",
            "CREATE INDEX scope_log_version ON scope_log (version)",
            """
            CREATE TABLE attachment_ref (
                sha256 text NOT NULL,
                report_id text NOT NULL,
                device_id text NOT NULL,
                byte_count bigint NOT NULL,
                PRIMARY KEY (sha256, report_id, device_id, byte_count))
            """,
            "CREATE TABLE compacted_operation (operation_id text PRIMARY KEY)",
            """
            CREATE TABLE chain_checkpoint (
                version bigint PRIMARY KEY,
                chain_hash bytea NOT NULL,
                signed_at timestamptz NOT NULL,
                relay_key_id text,
                signature bytea)
            """,
            "ALTER TABLE log_head ADD COLUMN chain_hash bytea NOT NULL DEFAULT '\\x0000000000000000000000000000000000000000000000000000000000000000'",
        ]
        for statement in statements {
            try await connection.query(statement, logger: logger)
        }
    }
}
