import Foundation
import GRDB
import OnSiteCore
import OnSiteSync

/// Who may move a blob, and what the attachments that reference it say about it.
public struct BlobAccess: Sendable, Hashable {
    /// Attachments with the hash on reports the actor can see.
    public var visibleAttachments: [Attachment]
    /// Whether any report at all references the hash.
    public var isReferenced: Bool

    /// Whether the actor may upload or download the blob.
    public var isAllowed: Bool { !visibleAttachments.isEmpty }
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
    /// Candidates are found by looking for the hash's bytes in the log (an operation that names it), then
    /// confirmed on the merged records, so a note that happens to contain the text matches nothing.
    static func records(referencing sha256: String, db: Database) throws -> [ReportRecord] {
        let ids = try String.fetchAll(db, sql: "SELECT DISTINCT reportId FROM log WHERE instr(operation, ?) > 0",
                                      arguments: [Data(sha256.utf8)])
        return try ids.compactMap { try record($0, db: db) }.filter { record in
            record.attachments.contains { $0.sha256 == sha256 }
        }
    }

    /// Whether `actor` may upload or download the blob: a report it can see references the hash.
    public func blobAccess(_ sha256: String, for actor: Actor) async throws -> BlobAccess {
        try await writer.read { db in
            let records = try Self.records(referencing: sha256, db: db)
            let visible = records.filter { actor.canSee($0.report) }
                .flatMap { $0.attachments.filter { $0.sha256 == sha256 } }
            return BlobAccess(visibleAttachments: visible, isReferenced: !records.isEmpty)
        }
    }

    /// Appends `blob_available(sha256)` to the log for every report that references the hash and does not
    /// show it as available yet, in one transaction and a change set id of its own, from device `relay`.
    ///
    /// Idempotent: calling it again appends nothing. Returns the versions appended.
    @discardableResult
    public func appendBlobAvailable(_ sha256: String, at date: Date = Date()) async throws -> [Int64] {
        try await writer.write { db in
            let records = try Self.records(referencing: sha256, db: db).filter { !$0.availableBlobs.contains(sha256) }
            guard !records.isEmpty else { return [] }
            let encoder = WireCoding.makeEncoder()
            let changeSetId = UUID()
            var versions: [Int64] = []
            for (index, found) in records.enumerated() {
                var record = found
                let stamp = HybridTimestamp(wallMillis: WireDate.millis(date),
                                            counter: UInt32(truncatingIfNeeded: index), device: Self.relayDeviceId)
                let operation = SyncOperation(reportId: record.id, stamp: stamp, change: .blobAvailable(sha256: sha256))
                record.apply(operation)
                try db.execute(
                    sql: "INSERT INTO log (operationId, changeSetId, deviceId, reportId, operation) VALUES (?, ?, ?, ?, ?)",
                    arguments: [operation.id.uuidString, changeSetId.uuidString, Self.relayDeviceId, record.id, try encoder.encode(operation)])
                let version = db.lastInsertedRowID
                try db.execute(sql: "UPDATE report SET version = ?, state = ? WHERE id = ?",
                               arguments: [version, try encoder.encode(record), record.id])
                versions.append(version)
            }
            return versions
        }
    }

    /// After a push: attachments whose bytes the relay already holds become available at once.
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
}
