import Foundation
import OnSiteCore
import OnSiteSync
import PostgresNIO

/// The supervisors' web pages' reads and the figures of `/metrics`, as ``RelayStore``'s (`Web/WebScope.swift`).
extension PostgresRelayStore: RelayWebStorage, RelayMetricsStorage {
    /// The server version and the stored records, read in one snapshot: with `changedAfter` nil, every report in the
    /// actor's units; with a version, every report changed after it, in scope or not.
    public func scopeReports(for actor: Actor, changedAfter version: Int64?) async throws -> (serverVersion: Int64, records: [ReportRecord]) {
        let read = try await withSnapshot("read the reports of device \(actor.deviceId)'s web pages") { connection -> ScopeReports in
            var serverVersion: Int64 = 0
            for try await value in try await connection.query("SELECT version FROM log_head WHERE singleton = 1", logger: logger).decode(Int64.self) {
                serverVersion = value
            }
            var statement = PostgresStatement("SELECT state FROM report WHERE length(state) > 0")
            if let version {
                let placeholder = statement.bind(version)
                statement.append(" AND report.version > " + placeholder)
            } else {
                statement.appendScope(of: actor)
            }
            var records: [ReportRecord] = []
            for try await state in try await connection.query(statement.query, logger: logger).decode(Data.self) {
                records.append(try WireCoding.decode(ReportRecord.self, from: state))
            }
            return ScopeReports(serverVersion: serverVersion, records: records)
        }
        return (read.serverVersion, read.records)
    }

    /// The database's size on the server (`pg_database_size`), tables, indexes and their free space.
    public func databaseBytes() async throws -> Int64 {
        try await withConnection("read the database's size") { connection in
            var bytes: Int64 = 0
            for try await value in try await connection.query("SELECT pg_database_size(current_database())", logger: logger).decode(Int64.self) {
                bytes = value
            }
            return bytes
        }
    }
}

/// What ``PostgresRelayStore/scopeReports(for:changedAfter:)`` read (a `Sendable` value to leave the transaction).
private struct ScopeReports: Sendable {
    let serverVersion: Int64
    let records: [ReportRecord]
}
