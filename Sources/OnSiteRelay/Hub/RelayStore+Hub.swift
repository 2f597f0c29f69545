import Foundation
import GRDB
import OnSiteCore
import OnSiteSync

/// Which merged reports a hub read asks for: every condition set must hold; nil means "any".
///
/// Built from query parameters by ``HubQueryParameters``, which bounds every list and value first.
public struct HubQuery: Sendable, Hashable {
    /// Report ids (Open311 `service_request_id`).
    public var ids: [String]?
    /// Category codes (Open311 `service_code`).
    public var categories: [String]?
    public var statuses: Set<ReportStatus>?
    /// Received at or after this instant.
    public var receivedFrom: Date?
    /// Received strictly before this instant.
    public var receivedBefore: Date?
    /// A province code (Open311 `jurisdiction_id`).
    public var province: String?
    /// A unit code the report is filed under or assigned to (province, district, commune or processing unit).
    public var unit: String?

    public init(ids: [String]? = nil, categories: [String]? = nil, statuses: Set<ReportStatus>? = nil, receivedFrom: Date? = nil,
                receivedBefore: Date? = nil, province: String? = nil, unit: String? = nil) {
        self.ids = ids
        self.categories = categories
        self.statuses = statuses
        self.receivedFrom = receivedFrom
        self.receivedBefore = receivedBefore
        self.province = province
        self.unit = unit
    }

    /// The SQL condition (after `AND`) on the `report` table. Status, category and receipt time are read from the
    /// stored record's JSON; its dates are wire dates (fixed width, UTC), so they compare as text.
    var condition: (sql: String, arguments: StatementArguments) {
        var sql = ""
        var arguments = StatementArguments()
        func list(_ column: String, _ values: [String]) {
            sql += " AND \(column) IN (\(Array(repeating: "?", count: values.count).joined(separator: ",")))"
            arguments += StatementArguments(values)
        }
        if let ids { list("report.id", ids) }
        if let categories { list("json_extract(CAST(report.state AS TEXT), '$.report.category')", categories) }
        if let statuses { list("json_extract(CAST(report.state AS TEXT), '$.report.status')", statuses.map(\.rawValue).sorted()) }
        if let receivedFrom {
            sql += " AND json_extract(CAST(report.state AS TEXT), '$.report.receivedAt') >= ?"
            arguments += [WireDate.format(receivedFrom)]
        }
        if let receivedBefore {
            sql += " AND json_extract(CAST(report.state AS TEXT), '$.report.receivedAt') < ?"
            arguments += [WireDate.format(receivedBefore)]
        }
        if let province {
            sql += " AND report.province = ?"
            arguments += [province]
        }
        if let unit {
            sql += " AND (report.province = ? OR report.district = ? OR report.commune = ? OR report.assignedUnit = ?)"
            arguments += [unit, unit, unit, unit]
        }
        return (sql, arguments)
    }
}

/// Reads for the hub's standard doors (Open311, CSV and GeoJSON exports): the current records of the caller's
/// scope, redacted for its role, a bounded number at a time.
extension RelayStore {
    /// At most `limit` records matching `query` that `actor` may see, newest receipt first (then by id), after
    /// skipping `offset` of them: one Open311 page.
    public func hubPage(_ query: HubQuery, for actor: Actor, offset: Int, limit: Int) async throws -> [ReportRecord] {
        try await hubRecords(query, for: actor, order: """
            ORDER BY json_extract(CAST(report.state AS TEXT), '$.report.receivedAt') DESC, report.id DESC LIMIT ? OFFSET ?
            """, after: nil, tail: [limit, offset])
    }

    /// At most `limit` records matching `query` that `actor` may see, in id order, after the id `after`: one batch
    /// of a streamed export (keyset paging, so each batch costs the same however far the export has gone).
    public func hubBatch(_ query: HubQuery, for actor: Actor, after: String?, limit: Int) async throws -> [ReportRecord] {
        try await hubRecords(query, for: actor, order: "ORDER BY report.id LIMIT ?", after: after, tail: [limit])
    }

    private func hubRecords(_ query: HubQuery, for actor: Actor, order: String, after: String?, tail: StatementArguments) async throws
        -> [ReportRecord]
    {
        try await writer.read { db in
            let scope = Self.scopeFilter(for: actor)
            let condition = query.condition
            var sql = "SELECT state FROM report WHERE length(state) > 0"
            var arguments = StatementArguments()
            if let after {
                sql += " AND report.id > ?"
                arguments += [after]
            }
            sql += scope.sql + condition.sql + " " + order
            arguments += scope.arguments
            arguments += condition.arguments
            arguments += tail
            var records: [ReportRecord] = []
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try rows.next() {
                let data: Data = row["state"]
                records.append(Redaction.redacted(try WireCoding.decode(ReportRecord.self, from: data), for: actor.role))
            }
            return records
        }
    }
}
