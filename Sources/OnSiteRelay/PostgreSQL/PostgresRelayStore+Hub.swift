import Foundation
import OnSiteCore
import OnSiteSync
import PostgresNIO

/// The hub's reads (Open311, CSV and GeoJSON exports), as ``RelayStore``'s (`Hub/RelayStore+Hub.swift`): the same
/// filters and the same order, ids compared as bytes as SQLite compares them.
extension PostgresRelayStore: RelayHubStorage {
    /// At most `limit` records matching `query` that `actor` may see, newest receipt first (then by id), after
    /// skipping `offset` of them: one Open311 page.
    public func hubPage(_ query: HubQuery, for actor: Actor, offset: Int, limit: Int) async throws -> [ReportRecord] {
        var statement = hubStatement(query, for: actor, after: nil)
        // SQLite sorts a missing receipt time (NULL) after every other in descending order.
        statement.append(#" ORDER BY report.received_at DESC NULLS LAST, report.id COLLATE "C" DESC"#)
        let limit = statement.bind(Int64(limit))
        let offset = statement.bind(Int64(offset))
        statement.append(" LIMIT \(limit) OFFSET \(offset)")
        return try await hubRecords(statement, for: actor)
    }

    /// At most `limit` records matching `query` that `actor` may see, in id order, after the id `after`: one batch
    /// of a streamed export (keyset paging).
    public func hubBatch(_ query: HubQuery, for actor: Actor, after: String?, limit: Int) async throws -> [ReportRecord] {
        var statement = hubStatement(query, for: actor, after: after)
        let limit = statement.bind(Int64(limit))
        statement.append(#" ORDER BY report.id COLLATE "C" LIMIT "# + limit)
        return try await hubRecords(statement, for: actor)
    }

    private func hubStatement(_ query: HubQuery, for actor: Actor, after: String?) -> PostgresStatement {
        var statement = PostgresStatement("SELECT state FROM report WHERE length(state) > 0")
        if let after {
            let placeholder = statement.bind(after)
            statement.append(#" AND report.id COLLATE "C" > "# + placeholder)
        }
        statement.appendScope(of: actor)
        statement.appendConditions(of: query)
        return statement
    }

    private func hubRecords(_ statement: PostgresStatement, for actor: Actor) async throws -> [ReportRecord] {
        try await withConnection("read the hub's reports for device \(actor.deviceId)") { connection in
            var records: [ReportRecord] = []
            for try await state in try await connection.query(statement.query, logger: logger).decode(Data.self) {
                records.append(Redaction.redacted(try WireCoding.decode(ReportRecord.self, from: state), for: actor.role))
            }
            return records
        }
    }
}
