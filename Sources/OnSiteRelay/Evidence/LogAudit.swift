import Foundation
import OnSiteCore
import OnSiteCrypto
import OnSiteSync

/// The checks of `onsite-relay audit` (`Protocol/evidence.md`, "`onsite-relay audit`"), apart from where the rows
/// come from: each store reads its own tables in one snapshot and feeds them here, in this order.
///
/// 1. ``checkCheckpoint(_:)``: every checkpoint, by version (its signature is checked at once);
/// 2. ``registerKey(_:)``: every device key;
/// 3. ``startLog(compactedThrough:)``, then, when it returns true, ``checkLogRow(_:)`` with every log row in version
///    order (the chain, the checkpoint at the row, the device's signature);
/// 4. ``checkReport(_:state:)`` with each report's stored state, by id (its evidence against the signed
///    operations, and its photos' bytes).
///
/// ```swift
/// var audit = LogAudit(relayKey: key, blobs: blobs)
/// for checkpoint in checkpoints { audit.checkCheckpoint(checkpoint) }
/// for key in keys { audit.registerKey(key) }
/// if audit.startLog(compactedThrough: through) { for row in rows { audit.checkLogRow(row) } }
/// for (id, state) in reports { audit.checkReport(id, state: state) }
/// return audit.report
/// ```
/// Memory grows with the checkpoints, the keys and the evidence operations, never with the whole log: a store may
/// stream its rows through.
struct LogAudit {
    /// One log row as the audit needs it: the columns the chain covers, the stored chain hash, and when the relay
    /// received the row's change set (nil for the relay's own entries).
    struct LogRow: Sendable {
        var entry: LogChain.Entry
        var chainHash: Data?
        var receivedAt: Date?
    }

    /// What was checked and every break found so far, in the order found.
    private(set) var report = AuditReport()
    private let relayKey: Ed25519PublicKey?
    private let blobs: RelayBlobStore?
    private var checkpoints: [Int64: ChainCheckpoint] = [:]
    /// Keys by device, with the date each was registered.
    private var keys: [String: [DeviceKeyEntry]] = [:]
    /// The signed operation that added each verification and attachment, by the record's id.
    private var signedEvidence: [UUID: (version: Int64, deviceId: String, change: Change)] = [:]
    /// The chain hash before the next row; nil when the chain cannot be walked (see ``startLog(compactedThrough:)``).
    private var previous: [UInt8]? = LogChain.genesis
    private let decoder = WireCoding.makeDecoder()

    /// An audit that checks checkpoint signatures against `relayKey` (nil: they are not checked) and, with `blobs`,
    /// the bytes of each stored photo.
    init(relayKey: Ed25519PublicKey?, blobs: RelayBlobStore?) {
        self.relayKey = relayKey
        self.blobs = blobs
    }

    // MARK: Checkpoints and keys

    /// Notes a checkpoint, and checks its signature when it carries one and the relay's key is known.
    mutating func checkCheckpoint(_ checkpoint: ChainCheckpoint) {
        checkpoints[checkpoint.version] = checkpoint
        report.checkpointsChecked += 1
        guard let relayKey, checkpoint.signature != nil else { return }
        if !checkpoint.isSigned(by: relayKey) {
            report.breaks.append(AuditBreak(
                kind: .checkpoint, version: checkpoint.version, reportId: nil,
                message: "checkpoint at version \(checkpoint.version): its signature does not match the relay's key \(relayKey.keyId): the checkpoint was edited."))
        }
    }

    /// Notes a device's registered key, which checks that device's signatures.
    mutating func registerKey(_ key: DeviceKeyEntry) {
        keys[key.deviceId, default: []].append(key)
    }

    // MARK: The log

    /// Starts the chain at the compaction boundary: the zero hash when nothing was compacted, else the hash of the
    /// checkpoint there. Returns false (and records the break) when there is no such checkpoint: the rows after it
    /// cannot be checked then, and need not be fed.
    mutating func startLog(compactedThrough start: Int64) -> Bool {
        guard start > 0 else {
            previous = LogChain.genesis
            return true
        }
        guard let checkpoint = checkpoints[start], let hash = Data(hexadecimal: checkpoint.chainHash) else {
            report.breaks.append(AuditBreak(
                kind: .checkpoint, version: start, reportId: nil,
                message: "version \(start): the log was compacted through it, but no checkpoint holds the chain hash there; the chain after it cannot be checked from its start."))
            previous = nil
            return false
        }
        previous = Array(hash)
        return true
    }

    /// Checks the next log row: its chain hash against the previous row's and its own bytes, the checkpoint at its
    /// version, and (for a device's operation) its signature; remembers the evidence it added.
    mutating func checkLogRow(_ row: LogRow) {
        guard let previous else { return }
        let entry = row.entry
        report.entriesChecked += 1
        let stored = row.chainHash.map(Array.init) ?? []
        let expected = LogChain.hash(previous: previous, entry)
        let operation = try? decoder.decode(SyncOperation.self, from: entry.operation)
        let what = operation.map { "\($0.change.kind.rawValue) on report \($0.reportId)" } ?? "entry on report \(entry.reportId)"
        if stored != expected {
            report.breaks.append(AuditBreak(
                kind: .chain, version: entry.version, reportId: entry.reportId,
                message: "log version \(entry.version) (\(what), device \(entry.deviceId)): the chain hash does not follow from the entry before it and this entry's bytes: the row was edited, or a row before it was removed or inserted."))
        }
        if let checkpoint = checkpoints[entry.version], checkpoint.chainHash != Data(stored).hexadecimal {
            report.breaks.append(AuditBreak(
                kind: .checkpoint, version: entry.version, reportId: entry.reportId,
                message: "log version \(entry.version): the chain hash differs from the relay's checkpoint of \(checkpoint.signedAt.formatted(.iso8601)): the log was rewritten after it."))
        }
        // The next entry is checked against this one as stored: one edited row is one break.
        self.previous = stored.count == 32 ? stored : expected
        guard entry.deviceId != RelayStore.relayDeviceId else { return }
        guard let operation else {
            report.breaks.append(AuditBreak(kind: .record, version: entry.version, reportId: entry.reportId,
                                            message: "log version \(entry.version): the stored operation is not a valid operation."))
            return
        }
        checkSignature(operation, entry: entry, receivedAt: row.receivedAt)
        switch operation.change {
        case .addVerification(let verification): signedEvidence[verification.id] = (entry.version, entry.deviceId, operation.change)
        case .addAttachment(let attachment): signedEvidence[attachment.id] = (entry.version, entry.deviceId, operation.change)
        default: break
        }
    }

    private mutating func checkSignature(_ operation: SyncOperation, entry: LogChain.Entry, receivedAt: Date?) {
        let deviceKeys = keys[entry.deviceId] ?? []
        if operation.signature == nil {
            // Only a device that held a key when the change set arrived had to sign it.
            let held = deviceKeys.filter { key in receivedAt.map { key.registeredAt <= $0 } ?? true }
            if held.isEmpty {
                report.unsignedOperations += 1
                return
            }
        }
        report.signaturesChecked += 1
        let byId = Dictionary(deviceKeys.map { ($0.keyId, $0.publicKey) }, uniquingKeysWith: { first, _ in first })
        if let refusal = DeviceKeyCache.refusal(of: operation, keys: byId) {
            report.breaks.append(AuditBreak(
                kind: .signature, version: entry.version, reportId: operation.reportId,
                message: "log version \(entry.version) (\(operation.change.kind.rawValue) on report \(operation.reportId), device \(entry.deviceId)): \(refusal.code.rawValue): \(refusal.message)"))
        }
    }

    // MARK: Reports

    /// Checks one report's stored state (after the whole log): its verifications and photo records against the
    /// signed operations that added them, and each photo's bytes in the blob folder.
    mutating func checkReport(_ id: String, state: Data) {
        guard let record = try? decoder.decode(ReportRecord.self, from: state) else {
            report.breaks.append(AuditBreak(kind: .record, version: nil, reportId: id,
                                            message: "report \(id): its stored state is not a valid record."))
            return
        }
        for verification in record.verifications {
            guard let signed = signedEvidence[verification.id] else { report.recordsBeyondLog += 1; continue }
            report.recordsChecked += 1
            guard case .addVerification(let original) = signed.change, original != verification else { continue }
            report.breaks.append(AuditBreak(
                kind: .record, version: signed.version, reportId: id,
                message: "report \(record.report.code) (\(id)), verification \(verification.id): \(Self.differences(original, verification)) differ from what device \(signed.deviceId) signed at log version \(signed.version)."))
        }
        for attachment in record.attachments {
            if let signed = signedEvidence[attachment.id] {
                report.recordsChecked += 1
                if case .addAttachment(let original) = signed.change, original != attachment {
                    report.breaks.append(AuditBreak(
                        kind: .record, version: signed.version, reportId: id,
                        message: "report \(record.report.code) (\(id)), attachment \(attachment.id) (\(attachment.fileName)): \(Self.differences(original, attachment)) differ from what device \(signed.deviceId) signed at log version \(signed.version)."))
                }
            } else {
                report.recordsBeyondLog += 1
            }
            checkBlob(of: attachment, in: record, reportId: id)
        }
    }

    private mutating func checkBlob(of attachment: Attachment, in record: ReportRecord, reportId id: String) {
        guard let blobs, blobs.hasBlob(attachment.sha256) else { return }
        report.blobsChecked += 1
        let path = blobs.blobPath(attachment.sha256)
        let actual = (try? SHA256.hash(fileAt: path).hex) ?? "unreadable"
        if actual != attachment.sha256 {
            report.breaks.append(AuditBreak(
                kind: .blob, version: signedEvidence[attachment.id]?.version, reportId: id,
                message: "report \(record.report.code) (\(id)), photo \(attachment.fileName): the blob \(attachment.sha256) on disk now hashes to \(actual): its bytes were changed (\(path))."))
        }
    }

    /// The fields that differ (``Verification/fieldsDiffering(from:)``), in words: the finding with both values.
    static func differences(_ signed: Verification, _ stored: Verification) -> String {
        let fields = stored.fieldsDiffering(from: signed).map { field in
            field == "finding" ? "finding (\(stored.finding.rawValue), signed \(signed.finding.rawValue))" : field
        }
        return fields.isEmpty ? "its fields" : fields.joined(separator: ", ")
    }

    /// The fields that differ (``Attachment/fieldsDiffering(from:)``), in words.
    static func differences(_ signed: Attachment, _ stored: Attachment) -> String {
        let fields = stored.fieldsDiffering(from: signed).map { $0 == "capture" ? "capture (EXIF position and time)" : $0 }
        return fields.isEmpty ? "its fields" : fields.joined(separator: ", ")
    }
}
