import Foundation
import Logging
import PostgresNIO

extension PostgresRelayStore {
    /// Migration `p4: blob uploaders, relay state and the hub's columns` (as ``RelayStore``'s v4 and v5, and the
    /// JSON the SQLite store reads with `json_extract`):
    /// - `blob_uploader`: who proved possession of a blob's bytes by uploading them whole (`Protocol/uploads.md`);
    /// - `relay_state`: the relay's counters, `compactedThrough` the newest version folded out of the log;
    /// - `report.category`, `report.status`, `report.received_at`: generated from the stored record, so the hub's
    ///   filters and order are plain columns (and writers, the push or a copy from SQLite, never set them);
    /// - `log.change_kind`: generated from the operation, so a report's evidence entries are found by index;
    /// - indexes for the hub's keyset paging in byte order (`id COLLATE "C"`, as SQLite orders text; `received_at`
    ///   is in byte order too), its page order, the web pages' "changed after" read, and the scope filters.
    @Sendable static func createFacetTables(_ connection: PostgresConnection, logger: Logger) async throws {
        let statements: [PostgresQuery] = [
            """
            CREATE TABLE blob_uploader (
                sha256 text NOT NULL,
                device_id text NOT NULL REFERENCES device,
                byte_count bigint NOT NULL CHECK (byte_count > 0),
                uploaded_at timestamptz NOT NULL,
                PRIMARY KEY (sha256, device_id))
            """,
            "CREATE TABLE relay_state (key text PRIMARY KEY, value bigint NOT NULL)",
            // The stored JSON's text at a path; NULL for an empty state. Declared IMMUTABLE (convert_from is only
            // STABLE, as it depends on the database's encoding, which never changes) so columns can be generated.
            """
            CREATE FUNCTION onsite_json_text(data bytea, path text[]) RETURNS text
            LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
            AS 'SELECT CASE WHEN length(data) > 0 THEN convert_from(data, ''UTF8'')::jsonb #>> path END'
            """,
            """
            ALTER TABLE report
                ADD COLUMN category text GENERATED ALWAYS AS (onsite_json_text(state, '{report,category}')) STORED,
                ADD COLUMN status text GENERATED ALWAYS AS (onsite_json_text(state, '{report,status}')) STORED,
                ADD COLUMN received_at text COLLATE "C" GENERATED ALWAYS AS (onsite_json_text(state, '{report,receivedAt}')) STORED
            """,
            "ALTER TABLE log ADD COLUMN change_kind text GENERATED ALWAYS AS (onsite_json_text(operation, '{change,kind}')) STORED",
            #"CREATE UNIQUE INDEX report_id_bytes ON report (id COLLATE "C")"#,
            #"CREATE INDEX report_received ON report (received_at DESC NULLS LAST, id COLLATE "C" DESC)"#,
            "CREATE INDEX report_version ON report (version)",
            "CREATE INDEX report_assigned_unit ON report (assigned_unit)",
            "CREATE INDEX report_province ON report (province)",
            "CREATE INDEX report_district ON report (district)",
            "CREATE INDEX report_commune ON report (commune)",
        ]
        for statement in statements {
            try await connection.query(statement, logger: logger)
        }
    }
}
