import Foundation
import GRDB
import OnSiteCore
import OnSiteSync

/// One row of the replica's `report` table: the confirmed base and the state the officer sees.
struct ReportRow: Sendable {
    var id: String
    var version: Int64
    var base: ReportRecord?
    var state: ReportRecord

    /// Finds a report by id or by its human code.
    static func fetch(_ idOrCode: String, _ db: Database) throws -> ReportRow? {
        guard let row = try Row.fetchOne(db, sql: "SELECT id, version, base, state FROM report WHERE id = ? OR code = ? LIMIT 1",
                                         arguments: [idOrCode, idOrCode]) else { return nil }
        let decoder = WireCoding.makeDecoder()
        return ReportRow(
            id: row["id"], version: row["version"],
            base: try (row["base"] as Data?).map { try decoder.decode(ReportRecord.self, from: $0) },
            state: try decoder.decode(ReportRecord.self, from: row["state"] as Data))
    }

    /// Writes a report's row: its state (with the columns searched and sorted on), base and version.
    /// The records come encoded: a batch encodes each once (see ``ReportBatch``).
    static func save(_ state: ReportRecord, encoded: Data, base: Data?, version: Int64, _ db: Database) throws {
        let report = state.report
        let searchText = VietnameseText.fold([report.code, report.title, report.description, report.address].joined(separator: " "))
        let statement = try db.cachedStatement(sql: """
            INSERT INTO report (id, code, status, province, district, commune, assignedUnit, receivedAt, searchText, version, base, state)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET code = excluded.code, status = excluded.status, province = excluded.province,
              district = excluded.district, commune = excluded.commune, assignedUnit = excluded.assignedUnit,
              receivedAt = excluded.receivedAt, searchText = excluded.searchText, version = excluded.version,
              base = excluded.base, state = excluded.state
            """)
        try statement.execute(arguments: [
            report.id, report.code, report.status.rawValue, report.area.province, report.area.district, report.area.commune,
            report.assignedUnit, report.receivedAt, searchText, version, base, encoded,
        ])
    }
}
