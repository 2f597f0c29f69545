import Foundation
import GRDB
import OnSiteCore
import OnSiteSync

extension Replica {
    /// Reports matching the query, newest first, `query.limit` of them from `query.offset`.
    public func reports(matching query: ReportQuery = ReportQuery()) async throws -> [ReportView] {
        try await writer.read { db in
            let (whereClause, filterArguments) = Self.filter(query)
            let arguments = filterArguments + [query.limit, query.offset]
            let rows = try Row.fetchAll(db, sql: """
                SELECT state, version, (SELECT COUNT(*) FROM outbox WHERE outbox.reportId = report.id AND acknowledgedVersion IS NULL) AS pending
                FROM report \(whereClause) ORDER BY receivedAt DESC, id LIMIT ? OFFSET ?
                """, arguments: arguments)
            let decoder = WireCoding.makeDecoder()
            return try rows.map { row in
                ReportView(record: try decoder.decode(ReportRecord.self, from: row["state"] as Data),
                           pendingOperations: row["pending"], version: row["version"])
            }
        }
    }

    /// How many reports match the query, whatever its limit and offset.
    public func countReports(matching query: ReportQuery = ReportQuery()) async throws -> Int {
        try await writer.read { db in
            let (whereClause, arguments) = Self.filter(query)
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM report \(whereClause)", arguments: arguments) ?? 0
        }
    }

    /// The WHERE clause of a query and its arguments.
    private static func filter(_ query: ReportQuery) -> (String, StatementArguments) {
        var clauses: [String] = []
        var arguments: StatementArguments = []
        if let search = query.search {
            for word in VietnameseText.fold(search).split(whereSeparator: \.isWhitespace) {
                clauses.append("searchText LIKE ? ESCAPE '\\'")
                let escaped = word.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
                arguments += ["%\(escaped)%"]
            }
        }
        if let status = query.status {
            clauses.append("status = ?")
            arguments += [status.rawValue]
        }
        if let unit = query.unit {
            clauses.append("(province = ? OR district = ? OR commune = ? OR assignedUnit = ?)")
            arguments += [unit, unit, unit, unit]
        }
        return (clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "), arguments)
    }

    /// One report by id or human code.
    public func report(_ idOrCode: String) async throws -> ReportView {
        try await writer.read { db in
            guard let row = try ReportRow.fetch(idOrCode, db) else { throw ClientError.unknownReport(idOrCode) }
            let pending = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE reportId = ? AND acknowledgedVersion IS NULL", arguments: [row.id]) ?? 0
            return ReportView(record: row.state, pendingOperations: pending, version: row.version)
        }
    }

    /// Every report's state, for comparisons and exports.
    public func allRecords() async throws -> [ReportRecord] {
        try await writer.read { db in
            let decoder = WireCoding.makeDecoder()
            return try Data.fetchAll(db, sql: "SELECT state FROM report ORDER BY id").map { try decoder.decode(ReportRecord.self, from: $0) }
        }
    }

    /// Operations the relay refused, newest first, with its reasons.
    public func rejections() async throws -> [Rejection] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM rejection ORDER BY at DESC").map { row in
                Rejection(operationId: row["operationId"], reportId: row["reportId"], kind: row["kind"],
                          reason: ErrorDetail(code: ErrorCode(rawValue: row["code"]), message: row["message"]), at: row["at"])
            }
        }
    }
}

