import Foundation
import GRDB
import OnSiteSync

/// The `attachmentRef` table: each accepted `add_attachment`, as (blob hash, report, device, size).
///
/// The blob access rules (Protocol/uploads.md, "Access") ask which reports attach a hash and which devices
/// attached it with which size. Those facts outlive the log entries that carried them, which compaction
/// folds away, so they are kept here, written in the same transaction as the log row.
enum AttachmentReference {
    /// Records the attachment an accepted operation adds; other operations record nothing.
    static func record(_ operation: SyncOperation, deviceId: String, db: Database) throws {
        guard case .addAttachment(let attachment) = operation.change else { return }
        try db.execute(
            sql: "INSERT OR IGNORE INTO attachmentRef (sha256, reportId, deviceId, byteCount) VALUES (?, ?, ?, ?)",
            arguments: [attachment.sha256, operation.reportId, deviceId, attachment.byteCount])
    }

    /// The reports with an accepted attachment of `sha256`.
    static func reports(attaching sha256: String, db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT DISTINCT reportId FROM attachmentRef WHERE sha256 = ? ORDER BY reportId", arguments: [sha256])
    }

    /// The devices that attached `sha256` with exactly `byteCount` bytes to `reportId`.
    static func devices(attaching sha256: String, byteCount: Int64, to reportId: String, db: Database) throws -> [String] {
        try String.fetchAll(
            db, sql: "SELECT deviceId FROM attachmentRef WHERE sha256 = ? AND reportId = ? AND byteCount = ? ORDER BY deviceId",
            arguments: [sha256, reportId, byteCount])
    }
}
