import Foundation
import GRDB
import OnSiteCore
import OnSiteCrypto
import OnSiteSync

/// One place where the relay's data does not prove itself: which version, which report, what is wrong.
public struct AuditBreak: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// A log row's chain hash does not follow from the previous one and the row's bytes.
        case chain
        /// A checkpoint's signature, or its hash against the log.
        case checkpoint
        /// A device's signature over an operation (bad, or missing from a device that holds a key).
        case signature
        /// A report's stored evidence differs from the signed operation that added it.
        case record
        /// A blob's bytes no longer hash to its name.
        case blob
    }

    public var kind: Kind
    /// The log version concerned, when there is one.
    public var version: Int64?
    public var reportId: String?
    public var message: String

    public var description: String { message }
}

/// What `onsite-relay audit` found: counts of what it checked, and every break in log order.
public struct AuditReport: Sendable, Hashable {
    public var entriesChecked = 0
    public var signaturesChecked = 0
    /// Operations of devices that never registered a key (enrolled before signatures): not signed, not a break.
    public var unsignedOperations = 0
    public var checkpointsChecked = 0
    public var recordsChecked = 0
    /// Evidence records whose adding operation was compacted out of the log: their signature is no longer at hand.
    public var recordsBeyondLog = 0
    public var blobsChecked = 0
    public var breaks: [AuditBreak] = []

    public var isIntact: Bool { breaks.isEmpty }
}

extension RelayStore {
    /// Walks the log chain from its first retained entry, every device signature, every checkpoint, each
    /// report's stored verifications and attachments against the signed operations that added them, and (with
    /// `blobs`) the bytes of each attachment's blob.
    ///
    /// - Parameter relayKey: the relay's public key, to check checkpoint signatures (nil: they are not checked).
    public func audit(relayKey: Ed25519PublicKey?, blobs: RelayBlobStore?) async throws -> AuditReport {
        try await writer.read { db in
            var report = AuditReport()
            var auditor = Auditor(db: db)
            try auditor.checkCheckpoints(relayKey: relayKey, into: &report)
            try auditor.walkLog(into: &report)
            try auditor.checkRecords(blobs: blobs, into: &report)
            return report
        }
    }
}

/// The walk itself, over one read transaction.
private struct Auditor {
    let db: Database
    var checkpoints: [Int64: ChainCheckpoint] = [:]
    /// Keys by device, with the date each was registered.
    var keys: [String: [DeviceKeyEntry]] = [:]
    /// The signed operation that added each verification and attachment, by the record's id.
    var signedEvidence: [UUID: (version: Int64, deviceId: String, change: Change)] = [:]
    let decoder = WireCoding.makeDecoder()

    init(db: Database) {
        self.db = db
    }

    mutating func checkCheckpoints(relayKey: Ed25519PublicKey?, into report: inout AuditReport) throws {
        for checkpoint in try ChainCheckpoint.fetchAll(db) {
            checkpoints[checkpoint.version] = checkpoint
            report.checkpointsChecked += 1
            guard let relayKey, checkpoint.signature != nil else { continue }
            if !checkpoint.isSigned(by: relayKey) {
                report.breaks.append(AuditBreak(
                    kind: .checkpoint, version: checkpoint.version, reportId: nil,
                    message: "checkpoint at version \(checkpoint.version): its signature does not match the relay's key \(relayKey.keyId): the checkpoint was edited."))
            }
        }
        for entry in try DeviceKeyEntry.fetchAll(db) { keys[entry.deviceId, default: []].append(entry) }
    }

    mutating func walkLog(into report: inout AuditReport) throws {
        let start = try RelayStore.compactedThrough(db)
        var previous = LogChain.genesis
        if start > 0 {
            guard let checkpoint = checkpoints[start], let hash = Data(hexadecimal: checkpoint.chainHash) else {
                report.breaks.append(AuditBreak(
                    kind: .checkpoint, version: start, reportId: nil,
                    message: "version \(start): the log was compacted through it, but no checkpoint holds the chain hash there; the chain after it cannot be checked from its start."))
                return
            }
            previous = Array(hash)
        }
        let rows = try Row.fetchCursor(db, sql: """
            SELECT log.version, log.operationId, log.changeSetId, log.deviceId, log.reportId, log.operation, log.chainHash, changeSet.receivedAt
            FROM log LEFT JOIN changeSet ON changeSet.id = log.changeSetId ORDER BY log.version
            """)
        while let row = try rows.next() {
            let entry = LogChain.Entry(version: row["version"], operationId: row["operationId"], changeSetId: row["changeSetId"],
                                       deviceId: row["deviceId"], reportId: row["reportId"], operation: row["operation"])
            report.entriesChecked += 1
            let stored = (row["chainHash"] as Data?).map(Array.init) ?? []
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
            previous = stored.count == 32 ? stored : expected
            guard entry.deviceId != RelayStore.relayDeviceId else { continue }
            guard let operation else {
                report.breaks.append(AuditBreak(kind: .record, version: entry.version, reportId: entry.reportId,
                                                message: "log version \(entry.version): the stored operation is not a valid operation."))
                continue
            }
            checkSignature(operation, entry: entry, receivedAt: row["receivedAt"], into: &report)
            switch operation.change {
            case .addVerification(let verification): signedEvidence[verification.id] = (entry.version, entry.deviceId, operation.change)
            case .addAttachment(let attachment): signedEvidence[attachment.id] = (entry.version, entry.deviceId, operation.change)
            default: break
            }
        }
    }

    private func checkSignature(_ operation: SyncOperation, entry: LogChain.Entry, receivedAt: Date?, into report: inout AuditReport) {
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

    mutating func checkRecords(blobs: RelayBlobStore?, into report: inout AuditReport) throws {
        let rows = try Row.fetchCursor(db, sql: "SELECT id, state FROM report WHERE length(state) > 0 ORDER BY id")
        while let row = try rows.next() {
            let id: String = row["id"]
            guard let record = try? decoder.decode(ReportRecord.self, from: row["state"] as Data) else {
                report.breaks.append(AuditBreak(kind: .record, version: nil, reportId: id,
                                                message: "report \(id): its stored state is not a valid record."))
                continue
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
                guard let blobs, blobs.hasBlob(attachment.sha256) else { continue }
                report.blobsChecked += 1
                let path = blobs.blobPath(attachment.sha256)
                let actual = (try? SHA256.hash(fileAt: path).hex) ?? "unreadable"
                if actual != attachment.sha256 {
                    report.breaks.append(AuditBreak(
                        kind: .blob, version: signedEvidence[attachment.id]?.version, reportId: id,
                        message: "report \(record.report.code) (\(id)), photo \(attachment.fileName): the blob \(attachment.sha256) on disk now hashes to \(actual): its bytes were changed (\(path))."))
                }
            }
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
