import Foundation
import GRDB
import OnSiteCore
import OnSiteSync

/// What a device may do with a blob (see `Protocol/uploads.md`, "Access").
///
/// Two separate questions, so that no answer tells a device whether the relay holds bytes it has no right to:
/// - may it **upload** the blob: a report it can see has an attachment with the hash (``isReferenced``);
/// - may it **have** the bytes (download them, see its attachments marked available, be told "complete"):
///   the relay holds the blob and the device proved possession (``isGranted``).
public struct BlobAccess: Sendable, Hashable {
    /// Attachments with the hash on reports the device can see.
    public var visibleAttachments: [Attachment]
    /// The relay holds the blob, and the device uploaded its bytes itself, or can see a report on which the blob
    /// is available with an attachment of the blob's size.
    public var isGranted: Bool

    /// Whether the device may upload the blob (and ask where its own upload stands).
    public var isReferenced: Bool { !visibleAttachments.isEmpty }
}

extension RelayStore {
    /// The device id the relay writes its own operations under (`blob_available`).
    public static let relayDeviceId = "relay"

    /// The blob store that lives next to this store's file (`dataDirectory/blobs`, `dataDirectory/uploads`).
    public var blobs: RelayBlobStore {
        RelayBlobStore(directory: URL(fileURLWithPath: writer.path).deletingLastPathComponent())
    }

    /// Reports whose merged state has an attachment with `sha256`.
    ///
    /// Candidates are the reports an accepted `add_attachment` named the hash on (``AttachmentReference``),
    /// confirmed on the merged records.
    static func records(referencing sha256: String, db: Database) throws -> [ReportRecord] {
        let ids = try AttachmentReference.reports(attaching: sha256, db: db)
        return try ids.compactMap { try record($0, db: db) }.filter { record in
            record.attachments.contains { $0.sha256 == sha256 }
        }
    }

    /// What `actor` may do with the blob `sha256`.
    public func blobAccess(_ sha256: String, for actor: Actor) async throws -> BlobAccess {
        let size = blobs.blobSize(sha256)
        return try await writer.read { db in
            let records = try Self.records(referencing: sha256, db: db)
            let visible = records.filter { actor.canSee($0.report) }
                .flatMap { $0.attachments.filter { $0.sha256 == sha256 } }
            let granted = try size.map { try Self.mayHold(sha256, size: $0, actor: actor, records: records, db: db) } ?? false
            return BlobAccess(visibleAttachments: visible, isGranted: granted)
        }
    }

    /// Records that `deviceId` uploaded the whole blob (its SHA-256 verified), then appends `blob_available`
    /// where the rules now allow it, in one transaction. Returns the versions appended.
    @discardableResult
    public func blobUploaded(_ sha256: String, by deviceId: String, byteCount: Int64, at date: Date = Date()) async throws -> [Int64] {
        let size = blobs.blobSize(sha256)
        return try await writer.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO blobUploader (sha256, deviceId, byteCount, uploadedAt) VALUES (?, ?, ?, ?)",
                arguments: [sha256, deviceId, byteCount, date])
            guard let size else { return [] }
            return try Self.appendBlobAvailable(sha256, size: size, at: date, db: db)
        }
    }

    /// Appends `blob_available(sha256)` to every report that references the hash, does not show it as
    /// available yet, and has an attachment the rules grant (see ``grants(_:size:record:db:)``), in one
    /// transaction and a change set id of its own, from device `relay`.
    ///
    /// Idempotent: calling it again appends nothing. Returns the versions appended.
    @discardableResult
    public func appendBlobAvailable(_ sha256: String, at date: Date = Date()) async throws -> [Int64] {
        guard let size = blobs.blobSize(sha256) else { return [] }
        return try await writer.write { db in try Self.appendBlobAvailable(sha256, size: size, at: date, db: db) }
    }

    /// After a push: attachments whose bytes the relay already holds become available when the rules grant them.
    public func appendBlobAvailable(forAttachmentsIn changeSet: ChangeSet, result: PushResult) async throws {
        let accepted = Set(result.results.filter { $0.outcome == .applied }.map(\.operationId))
        let blobs = self.blobs
        var hashes = Set<String>()
        for operation in changeSet.operations where accepted.contains(operation.id) {
            if case .addAttachment(let attachment) = operation.change, blobs.hasBlob(attachment.sha256) {
                hashes.insert(attachment.sha256)
            }
        }
        for sha256 in hashes.sorted() { try await appendBlobAvailable(sha256) }
    }

    // MARK: Rules

    static func appendBlobAvailable(_ sha256: String, size: Int64, at date: Date, db: Database) throws -> [Int64] {
        let encoder = WireCoding.makeEncoder()
        let changeSetId = UUID()
        var versions: [Int64] = []
        // A report made available can make another one granted (its devices may now see the bytes), so repeat
        // until nothing changes; each pass makes at least one report available or stops.
        var progress = true
        while progress {
            progress = false
            let waiting = try records(referencing: sha256, db: db).filter { !$0.availableBlobs.contains(sha256) }
            for found in waiting {
                guard try grants(sha256, size: size, record: found, db: db) else { continue }
                var record = found
                let stamp = HybridTimestamp(wallMillis: WireDate.millis(date),
                                            counter: UInt32(truncatingIfNeeded: versions.count), device: relayDeviceId)
                let operation = SyncOperation(reportId: record.id, stamp: stamp, change: .blobAvailable(sha256: sha256))
                record.apply(operation)
                let version = try LogChain.append(operationId: operation.id.uuidString, changeSetId: changeSetId.uuidString,
                                                  deviceId: relayDeviceId, reportId: record.id, operation: try encoder.encode(operation), db: db)
                try db.execute(sql: "UPDATE report SET version = ?, state = ? WHERE id = ?",
                               arguments: [version, try encoder.encode(record), record.id])
                versions.append(version)
                progress = true
            }
        }
        return versions
    }

    /// Whether a report's attachment of `sha256` may be marked available: some device pushed an
    /// `add_attachment` of the hash with the blob's exact size on this report, and that device may hold the bytes.
    static func grants(_ sha256: String, size: Int64, record: ReportRecord, db: Database) throws -> Bool {
        let devices = try AttachmentReference.devices(attaching: sha256, byteCount: size, to: record.id, db: db)
        guard !devices.isEmpty else { return false }
        let records = try records(referencing: sha256, db: db)
        for id in devices {
            guard let device = try DeviceRecord.fetchOne(db, key: id), !device.isRevoked else { continue }
            if try mayHold(sha256, size: size, actor: device.actor, records: records, db: db) { return true }
        }
        return false
    }

    /// Whether `actor` may have the bytes of a blob the relay holds with `size` bytes: it uploaded them
    /// itself, or it can see a report on which the blob is available with an attachment of that size.
    static func mayHold(_ sha256: String, size: Int64, actor: Actor, records: [ReportRecord], db: Database) throws -> Bool {
        let uploaded = try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM blobUploader WHERE sha256 = ? AND deviceId = ? AND byteCount = ?)",
            arguments: [sha256, actor.deviceId, size]) ?? false
        if uploaded { return true }
        return records.contains { record in
            actor.canSee(record.report) && record.availableBlobs.contains(sha256)
                && record.attachments.contains { $0.sha256 == sha256 && $0.byteCount == size }
        }
    }
}
