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
    /// Each read report's `fieldVersions` column as stored, decoded once.
    private var storedFieldVersions: [String: [String: Int64]] = [:]
    private let decoder = WireCoding.makeDecoder()
    /// Each touched report's encoded size as stored, plus the operations appended to it since: an upper bound
    /// of its size once saved (an operation's bytes hold at least what it adds to the record).
    private var recordBytes: [String: Int] = [:]
    let maxRecordBytes: Int
    private var deviceNames: [String: String] = [:]
    /// The registered keys of the pushing device, for the signature check of each operation.
    var deviceKeys = DeviceKeyCache()
    /// Versions of the evidence operations appended (verifications, photo records, steps): each gets a checkpoint.
    var evidenceVersions: [Int64] = []
    /// The store's decoded reports, read and filled by this batch (nil: every report is decoded).
    let recordCache: DecodedRecordCache?

    init(db: Database, changeSetId: UUID, now: Date, maxRecordBytes: Int = SyncLimits().maxRecordBytes, recordCache: DecodedRecordCache? = nil) {
        self.db = db
        self.recordCache = recordCache
        self.changeSetId = changeSetId
        self.now = now
        self.maxRecordBytes = maxRecordBytes
    }

    /// The report as this batch left it, or as stored (read and decoded once per batch).
    mutating func record(_ id: String) throws -> ReportRecord? {
        if let record = records[id] { return record }
        let statement = try db.cachedStatement(sql: "SELECT state, fieldVersions FROM report WHERE id = ?")
        guard let row = try Row.fetchOne(statement, arguments: [id]) else { return nil }
        let data: Data = row["state"]
        guard !data.isEmpty else { return nil }
        recordBytes[id] = data.count
        storedFieldVersions[id] = try decodeFieldVersions(row["fieldVersions"])
        let record = try recordCache?.record(id, stored: data, decoder: decoder) ?? decoder.decode(ReportRecord.self, from: data)
        records[id] = record
        return record
    }

    /// The refusal of a device's operation that would take its report past ``maxRecordBytes``; nil when it fits.
    /// Closing a conflict always fits (it makes nothing larger than a UUID).
    func sizeRefusal(adding bytes: Int, to reportId: String, operation: SyncOperation) -> ErrorDetail? {
        PushMerge.sizeRefusal(current: recordBytes[reportId] ?? 0, adding: bytes, limit: maxRecordBytes, to: reportId, operation: operation)
    }

    func scope(of reportId: String, at version: Int64) throws -> ReportScope? {
        try RelayStore.scope(of: reportId, at: version, db: db)
    }

    /// The log version of the write a field holds (its creation's when never edited).
    mutating func fieldVersion(of field: ReportField, on reportId: String) throws -> Int64 {
        if let version = fieldVersions[reportId]?[field.rawValue] { return version }
        var known = try storedFieldVersions(of: reportId)
        if known[field.rawValue] == nil {
            known[field.rawValue] = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT MIN(version) FROM log WHERE reportId = ?"), arguments: [reportId]) ?? 0
        }
        fieldVersions[reportId, default: [:]].merge(known) { mine, _ in mine }
        return fieldVersions[reportId]?[field.rawValue] ?? 0
    }

    /// A report's `fieldVersions` as stored before this batch (empty for a report it created).
    private mutating func storedFieldVersions(of reportId: String) throws -> [String: Int64] {
        if let known = storedFieldVersions[reportId] { return known }
        let text = try String.fetchOne(db.cachedStatement(sql: "SELECT fieldVersions FROM report WHERE id = ?"), arguments: [reportId])
        let known = try decodeFieldVersions(text)
        storedFieldVersions[reportId] = known
        return known
    }

    private func decodeFieldVersions(_ text: String?) throws -> [String: Int64] {
        guard let text, text != "{}" else { return [:] }
        return (try? decoder.decode([String: Int64].self, from: Data(text.utf8))) ?? [:]
    }

    mutating func deviceName(_ id: String) throws -> String {
        if let name = deviceNames[id] { return name }
        let name = try String.fetchOne(db, sql: "SELECT name FROM device WHERE id = ?", arguments: [id]) ?? id
        deviceNames[id] = name
        return name
    }

    /// Appends an accepted operation to the log and returns its version.
    mutating func append(_ operation: SyncOperation, encoded: Data? = nil, deviceId: String, record: ReportRecord, isNew: Bool) throws -> Int64 {
        let encoded = try encoded ?? encoder.encode(operation)
        if isNew {
            // The log row references the report: insert it now; its state is written by `save()`.
            try db.cachedStatement(sql: "INSERT INTO report (id, version, province, district, state) VALUES (?, 0, ?, ?, x'')")
                .execute(arguments: [record.id, record.report.area.province, record.report.area.district])
            storedFieldVersions[record.id] = [:]
        }
        let version = try LogChain.append(operationId: operation.id.uuidString, changeSetId: changeSetId.uuidString,
                                          deviceId: deviceId, reportId: operation.reportId, operation: encoded, db: db)
        try AttachmentReference.record(operation, deviceId: deviceId, db: db)
        if deviceId != RelayStore.relayDeviceId, operation.evidenceRecordId != nil { evidenceVersions.append(version) }
        recordBytes[record.id, default: 0] += encoded.count
        records[record.id] = record
        versions[record.id] = version
        return version
    }

    /// Writes every touched report's state, field versions, and a scope entry when its units changed: each
    /// report encoded once, whatever number of operations the batch applied to it.
    mutating func save() throws {
        let fieldEncoder = JSONEncoder()
        fieldEncoder.outputFormatting = .sortedKeys
        let update = try db.cachedStatement(sql: """
            UPDATE report SET version = ?, province = ?, district = ?, commune = ?, assignedUnit = ?, state = ?, fieldVersions = ?
            WHERE id = ?
            """)
        let lastScope = try db.cachedStatement(sql: "SELECT units FROM scopeLog WHERE reportId = ? ORDER BY version DESC LIMIT 1")
        let insertScope = try db.cachedStatement(sql: "INSERT INTO scopeLog (version, reportId, units) VALUES (?, ?, ?)")
        for id in records.keys.sorted() {
            guard let record = records[id], let version = versions[id] else { continue }
            let report = record.report
            var stored = try storedFieldVersions(of: id)
            stored.merge(fieldVersions[id] ?? [:]) { _, new in new }
            let state = try encoder.encode(record)
            try update.execute(arguments: [
                version, report.area.province, report.area.district, report.area.commune, report.assignedUnit,
                state, String(decoding: try fieldEncoder.encode(stored), as: UTF8.self), id,
            ])
            recordCache?.remember(id, encoded: state, record: record)
            let units = report.scope.encoded
            if try String.fetchOne(lastScope, arguments: [id]) != units {
                try insertScope.execute(arguments: [version, id, units])
            }
        }
    }
}
