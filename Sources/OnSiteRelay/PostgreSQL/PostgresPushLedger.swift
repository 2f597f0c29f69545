import Foundation
import OnSiteCrypto
import OnSiteSync

/// What one push on the PostgreSQL store needs, loaded in one round before the merge (``PostgresPushInputs``),
/// then merged in memory by ``PushMerge`` (the SQLite store's merge), collecting the rows to write.
struct PostgresPushLedger: MergeLedger {
    let now: Date
    let changeSetId: UUID
    let encoder = WireCoding.makeEncoder()
    let maxRecordBytes: Int
    /// The version whose scopes ``PostgresPushInputs/scopesAtBase`` hold.
    let baseVersion: Int64
    let inputs: PostgresPushInputs

    var records: [String: ReportRecord]
    var fieldVersions: [String: [String: Int64]] = [:]
    private var logged: Set<UUID>
    private var recordBytes: [String: Int]
    private var signatureKeys: [String: Ed25519PublicKey]

    /// The chain's head: the last version appended and its hash.
    private(set) var head: (version: Int64, hash: [UInt8])
    private(set) var entries: [LogChain.Entry] = []
    private(set) var entryHashes: [[UInt8]] = []
    /// The version each touched report was last written at.
    private(set) var versions: [String: Int64] = [:]
    /// Reports this push created.
    private(set) var created: Set<String> = []
    private(set) var attachments: [(sha256: String, reportId: String, deviceId: String, byteCount: Int64)] = []
    /// Versions of devices' evidence entries, each to get a signed checkpoint (`Protocol/evidence.md`).
    private(set) var evidenceVersions: [Int64] = []

    init(inputs: PostgresPushInputs, head: (version: Int64, hash: [UInt8]), baseVersion: Int64, changeSetId: UUID, now: Date, maxRecordBytes: Int) {
        self.inputs = inputs
        self.head = head
        self.baseVersion = baseVersion
        self.changeSetId = changeSetId
        self.now = now
        self.maxRecordBytes = maxRecordBytes
        self.records = inputs.records
        self.logged = inputs.loggedOperations
        self.recordBytes = inputs.recordBytes
        self.signatureKeys = inputs.keys
    }

    mutating func isLogged(_ operationId: UUID) throws -> Bool {
        logged.contains(operationId)
    }

    mutating func signatureRefusal(of operation: SyncOperation, deviceId: String) throws -> ErrorDetail? {
        guard deviceId == inputs.deviceId else { throw PostgresPushLedgerError.notLoaded("the keys of device \(deviceId)") }
        return DeviceKeyCache.refusal(of: operation, keys: signatureKeys)
    }

    mutating func record(_ id: String) throws -> ReportRecord? {
        records[id]
    }

    func scope(of reportId: String, at version: Int64) throws -> ReportScope? {
        guard version == baseVersion else { throw PostgresPushLedgerError.notLoaded("the scope of \(reportId) at version \(version)") }
        return inputs.scopesAtBase[reportId]
    }

    func sizeRefusal(adding bytes: Int, to reportId: String, operation: SyncOperation) -> ErrorDetail? {
        PushMerge.sizeRefusal(current: recordBytes[reportId] ?? 0, adding: bytes, limit: maxRecordBytes, to: reportId, operation: operation)
    }

    mutating func fieldVersion(of field: ReportField, on reportId: String) throws -> Int64 {
        if let version = fieldVersions[reportId]?[field.rawValue] { return version }
        var known = inputs.storedFieldVersions[reportId] ?? [:]
        if known[field.rawValue] == nil {
            known[field.rawValue] = inputs.firstVersions[reportId] ?? entries.first { $0.reportId == reportId }?.version ?? 0
        }
        fieldVersions[reportId, default: [:]].merge(known) { mine, _ in mine }
        return fieldVersions[reportId]?[field.rawValue] ?? 0
    }

    mutating func deviceName(_ id: String) throws -> String {
        inputs.deviceNames[id] ?? id
    }

    mutating func append(_ operation: SyncOperation, encoded: Data?, deviceId: String, record: ReportRecord, isNew: Bool) throws -> Int64 {
        let encoded = try encoded ?? encoder.encode(operation)
        if isNew { created.insert(record.id) }
        let entry = LogChain.Entry(version: head.version + 1, operationId: operation.id.uuidString, changeSetId: changeSetId.uuidString,
                                   deviceId: deviceId, reportId: operation.reportId, operation: encoded)
        let hash = LogChain.hash(previous: head.hash, entry)
        entries.append(entry)
        entryHashes.append(hash)
        head = (entry.version, hash)
        logged.insert(operation.id)
        if deviceId != RelayStore.relayDeviceId, operation.evidenceRecordId != nil { evidenceVersions.append(entry.version) }
        if case .addAttachment(let attachment) = operation.change {
            attachments.append((attachment.sha256, operation.reportId, deviceId, attachment.byteCount))
        }
        recordBytes[record.id, default: 0] += encoded.count
        records[record.id] = record
        versions[record.id] = entry.version
        return entry.version
    }

    /// A touched report's field versions to store: as stored, updated by this push.
    func fieldVersionsToStore(of reportId: String) -> [String: Int64] {
        var stored = inputs.storedFieldVersions[reportId] ?? [:]
        stored.merge(fieldVersions[reportId] ?? [:]) { _, new in new }
        return stored
    }
}

/// The rows one push reads, loaded before its merge.
struct PostgresPushInputs: Sendable {
    var deviceId: String
    /// The change set's reports that exist, decoded.
    var records: [String: ReportRecord] = [:]
    /// Their stored encoded size.
    var recordBytes: [String: Int] = [:]
    var storedFieldVersions: [String: [String: Int64]] = [:]
    /// The oldest log version of each report (its creation's, until compaction).
    var firstVersions: [String: Int64] = [:]
    /// Each report's units at the push's base version.
    var scopesAtBase: [String: ReportScope] = [:]
    /// Each report's newest units (to tell whether the push changes them).
    var latestScopes: [String: String] = [:]
    /// The change set's operation ids already logged or compacted.
    var loggedOperations: Set<UUID> = []
    /// The pushing device's keys, by key id.
    var keys: [String: Ed25519PublicKey] = [:]
    /// Names of the devices whose writes the reports hold, and the pushing device's.
    var deviceNames: [String: String] = [:]
}

/// The merge asked for a row the push did not load: a bug of the PostgreSQL store, never a device's doing.
enum PostgresPushLedgerError: Error, CustomStringConvertible {
    case notLoaded(String)

    var description: String {
        switch self {
        case .notLoaded(let what): "The PostgreSQL store's push did not load \(what); nothing was stored. Report this as a relay bug."
        }
    }
}
