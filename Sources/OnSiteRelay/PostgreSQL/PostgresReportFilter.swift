import Foundation
import OnSiteCore
import OnSiteSync
import PostgresNIO

/// SQL text and its binds, built piece by piece: each bound value takes the next placeholder, so conditions can be
/// added in any number and order (the hub's filters, the actor's scope).
struct PostgresStatement {
    private(set) var sql: String
    private(set) var binds = PostgresBindings()

    init(_ sql: String) {
        self.sql = sql
    }

    /// Appends SQL text.
    mutating func append(_ text: String) {
        sql += text
    }

    /// Binds `value` and returns its placeholder (`$n`), to be written into the text.
    mutating func bind<Value: PostgresNonThrowingEncodable>(_ value: Value) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    /// Appends ` AND condition`, its one `?` replaced by the placeholder of `value`.
    mutating func appendCondition<Value: PostgresNonThrowingEncodable>(_ condition: String, _ value: Value) {
        let placeholder = bind(value)
        append(" AND " + condition.replacingOccurrences(of: "?", with: placeholder))
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: binds) }
}

extension PostgresStatement {
    /// Appends the condition (after `AND`) that keeps the reports `actor` may see, on the `report` table: the
    /// SQLite store's ``RelayStore/scopeFilter(for:)``.
    mutating func appendScope(of actor: Actor) {
        switch actor.role {
        case .admin:
            break
        case .officer, .leader:
            // The reports assigned to their units (see ReportScope).
            let units = bind(actor.units.sorted())
            append(" AND report.assigned_unit = ANY(\(units))")
        case .hub, .supervisor:
            let units = bind(actor.units.sorted())
            append(" AND (report.province = ANY(\(units)) OR report.district = ANY(\(units)) OR report.commune = ANY(\(units))"
                + " OR report.assigned_unit = ANY(\(units)))")
        }
    }

    /// Appends the conditions of a hub query (the SQLite store's ``HubQuery/condition``), on the columns p4
    /// generates from the stored record. Receipt times are wire dates (fixed width, UTC): they compare as bytes.
    mutating func appendConditions(of query: HubQuery) {
        if let ids = query.ids { appendCondition("report.id = ANY(?)", ids) }
        if let categories = query.categories { appendCondition("report.category = ANY(?)", categories) }
        if let statuses = query.statuses { appendCondition("report.status = ANY(?)", statuses.map(\.rawValue).sorted()) }
        if let from = query.receivedFrom { appendCondition("report.received_at >= ?", WireDate.format(from)) }
        if let before = query.receivedBefore { appendCondition("report.received_at < ?", WireDate.format(before)) }
        if let province = query.province { appendCondition("report.province = ?", province) }
        if let unit = query.unit {
            let code = bind(unit)
            append(" AND (report.province = \(code) OR report.district = \(code) OR report.commune = \(code) OR report.assigned_unit = \(code))")
        }
    }
}
