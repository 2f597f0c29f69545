import Foundation
import GRDB
import OnSiteCore
import OnSiteSync

/// The writes of one push (or one relay action) inside its transaction: log rows as they come, each touched
/// report's state, field versions and scope written once at the end.
struct LogBatch {
    let db: Database
    let changeSetId: UUID
    let now: Date
    let encoder = WireCoding.makeEncoder()
    var records: [String: ReportRecord] = [:]
    var versions: [String: Int64] = [:]
    var fieldVersions: [String: [String: Int64]] = [:]
    private var deviceNames: [String: String] = [:]

    init(db: Database, changeSetId: UUID, now: Date) {
        self.db = db
        self.changeSetId = changeSetId
        self.now = now
    }

    /// The report as this batch left it, or as stored.
    mutating func record(_ id: String) throws -> ReportRecord? {
        if let record = records[id] { return record }
        return try RelayStore.record(id, db: db)
    }

    func scope(of reportId: String, at version: Int64) throws -> ReportScope? {
        try RelayStore.scope(of: reportId, at: version, db: db)
    }

    /// The log version of the write a field holds (its creation's when never edited).
    mutating func fieldVersion(of field: ReportField, on reportId: String) throws -> Int64 {
        if let version = fieldVersions[reportId]?[field.rawValue] { return version }
        let stored = try String.fetchOne(db, sql: "SELECT fieldVersions FROM report WHERE id = ?", arguments: [reportId]) ?? "{}"
        var decoded = (try? JSONDecoder().decode([String: Int64].self, from: Data(stored.utf8))) ?? [:]
        if decoded[field.rawValue] == nil {
            decoded[field.rawValue] = try Int64.fetchOne(db, sql: "SELECT MIN(version) FROM log WHERE reportId = ?", arguments: [reportId]) ?? 0
        }
        fieldVersions[reportId, default: [:]].merge(decoded) { mine, _ in mine }
        return fieldVersions[reportId]?[field.rawValue] ?? 0
    }

    mutating func deviceName(_ id: String) throws -> String {
        if let name = deviceNames[id] { return name }
        let name = try String.fetchOne(db, sql: "SELECT name FROM device WHERE id = ?", arguments: [id]) ?? id
        deviceNames[id] = name
        return name
    }

    /// Appends an accepted operation to the log and returns its version.
    mutating func append(_ operation: SyncOperation, deviceId: String, record: ReportRecord, isNew: Bool) throws -> Int64 {
        if isNew {
            // The log row references the report: insert it now; its state is written by `save()`.
            try db.execute(sql: "INSERT INTO report (id, version, province, district, state) VALUES (?, 0, ?, ?, x'')",
                           arguments: [record.id, record.report.area.province, record.report.area.district])
        }
        try db.execute(
            sql: "INSERT INTO log (operationId, changeSetId, deviceId, reportId, operation) VALUES (?, ?, ?, ?, ?)",
            arguments: [operation.id.uuidString, changeSetId.uuidString, deviceId, operation.reportId, try encoder.encode(operation)])
        let version = db.lastInsertedRowID
        records[record.id] = record
        versions[record.id] = version
        return version
    }

    /// Appends an operation of the relay's own (a conflict, an available blob) and merges it into `record`.
    mutating func appendRelayOperation(_ change: Change, to record: inout ReportRecord) throws {
        let operation = SyncOperation(
            reportId: record.id,
            stamp: HybridTimestamp(wallMillis: Int64((now.timeIntervalSince1970 * 1000).rounded()), counter: 0, device: RelayStore.relayDeviceId),
            change: change)
        record.apply(operation)
        _ = try append(operation, deviceId: RelayStore.relayDeviceId, record: record, isNew: false)
    }

    /// Writes every touched report's state, field versions, and a scope entry when its units changed.
    func save() throws {
        for (id, record) in records {
            let report = record.report
            let version = versions[id] ?? 0
            var stored = try String.fetchOne(db, sql: "SELECT fieldVersions FROM report WHERE id = ?", arguments: [id])
                .flatMap { try? JSONDecoder().decode([String: Int64].self, from: Data($0.utf8)) } ?? [:]
            stored.merge(fieldVersions[id] ?? [:]) { _, new in new }
            try db.execute(
                sql: """
                    UPDATE report SET version = ?, province = ?, district = ?, commune = ?, assignedUnit = ?, state = ?, fieldVersions = ?
                    WHERE id = ?
                    """,
                arguments: [version, report.area.province, report.area.district, report.area.commune, report.assignedUnit,
                            try encoder.encode(record), String(decoding: try JSONEncoder().encode(stored), as: UTF8.self), id])
            let units = report.scope.encoded
            let previous = try String.fetchOne(db, sql: "SELECT units FROM scopeLog WHERE reportId = ? ORDER BY version DESC LIMIT 1", arguments: [id])
            if previous != units {
                try db.execute(sql: "INSERT INTO scopeLog (version, reportId, units) VALUES (?, ?, ?)", arguments: [version, id, units])
            }
        }
    }
}
