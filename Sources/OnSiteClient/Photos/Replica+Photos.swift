import Foundation
import OnSiteStorage
import GRDB
import OnSiteCore
import OnSiteSync

extension Replica {
    /// The replica's content-addressed blob store (`blobs/` in the replica folder).
    public var blobs: BlobStore { BlobStore(directory: directory.appendingPathComponent("blobs")) }

    /// Copies a photo into the blob store and checks its EXIF against the report.
    ///
    /// The size limit and the JPEG start are checked before anything is copied; a truncated JPEG is refused
    /// (the relay would refuse its bytes). EXIF findings are warnings in ``PreparedPhoto/check``.
    ///
    /// - Throws: ``ClientError/invalidInput(_:)`` with a sentence in Vietnamese and English.
    public func preparePhoto(
        at path: String, for report: Report, addedBy: String, verificationId: UUID? = nil, now: Date = Date(),
        limits: SyncLimits = SyncLimits(), checker: PhotoChecker = PhotoChecker()
    ) throws -> PreparedPhoto {
        let name = (path as NSString).lastPathComponent
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = (attributes[.size] as? NSNumber)?.int64Value else {
            throw ClientError.invalidInput("Không đọc được tệp \(path). / Cannot read \(path).")
        }
        guard size > 0, size <= limits.maxAttachmentBytes else {
            throw ClientError.invalidInput("Ảnh \(name) có \(size) byte, vượt giới hạn \(limits.maxAttachmentBytes) byte. / The photo \(name) has \(size) bytes; the limit is \(limits.maxAttachmentBytes).")
        }
        let head = FileHandle(forReadingAtPath: path).flatMap { try? $0.read(upToCount: 3) } ?? Data()
        guard head.elementsEqual([0xFF, 0xD8, 0xFF]) else {
            throw ClientError.invalidInput("\(name) không phải ảnh JPEG; chỉ nhận ảnh JPEG. / \(name) is not a JPEG photo; only JPEG photos are accepted.")
        }
        let needed = size + DiskSpace.reserveBytes
        if let free = DiskSpace.available(at: directory.path), free < needed {
            throw ClientError.lowDisk(folder: directory.path, needed: needed, available: free)
        }
        let stored = try blobs.importFile(at: path)
        let inspection = try blobs.withMappedBlob(stored.sha256) { JPEGInspector.inspect(buffer: $0) }
        guard inspection.isComplete else {
            try? FileManager.default.removeItem(atPath: stored.path)  // never recorded: a refused file leaves nothing
            blobs.clearImportIntents([stored.sha256])
            let reason = inspection.structureError.map { " (\($0.description))" } ?? ""
            throw ClientError.invalidInput("Ảnh \(name) bị cắt ngắn hoặc hỏng, không gửi được\(reason). / The JPEG \(name) is cut short or damaged and cannot be sent\(reason). Copy it from the camera again.")
        }
        let check = checker.check(inspection, against: report)
        let capture = CaptureCheck(check, farThreshold: checker.configuration.farThreshold)
        let attachment = Attachment(
            reportId: report.id, sha256: stored.sha256, byteCount: stored.byteCount, contentType: "image/jpeg",
            fileName: VietnameseText.normalized(name), verificationId: verificationId, addedBy: addedBy,
            addedAt: WireDate.rounded(now), capture: capture)
        return PreparedPhoto(attachment: attachment, check: check)
    }

    /// Records changes and queues the blobs of the attachments among them, in one transaction: the
    /// verification, its `add_attachment` operations and the upload queue rows are all written, or none.
    @discardableResult
    public func record(_ changes: [(Change, String)], queueingPhotosOf attachments: [Attachment], now: Date = Date()) async throws -> [SyncOperation] {
        try requireRoom(forOperations: changes.count + attachments.count)
        return try await writer.write { db in
            let operations = try record(changes, now: now, db)
            for attachment in attachments {
                try db.execute(
                    sql: """
                        INSERT INTO photoUpload (sha256, byteCount, contentType, fileName, reportId, state, confirmedOffset, queuedAt)
                        VALUES (?, ?, ?, ?, ?, 'queued', 0, ?)
                        ON CONFLICT(sha256) DO UPDATE SET state = 'queued', lastError = NULL WHERE state = 'failed'
                        """,
                    arguments: [attachment.sha256, attachment.byteCount, attachment.contentType, attachment.fileName, attachment.reportId, now])
            }
            return operations
        }
    }

    /// The photos waiting to be sent, oldest first.
    public func queuedUploads() async throws -> [PhotoUpload] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM photoUpload WHERE state = 'queued' ORDER BY queuedAt, sha256").map(Self.upload)
        }
    }

    /// Every row of the upload queue, for `onsite show` and `onsite photos`.
    public func uploads() async throws -> [String: PhotoUpload] {
        try await writer.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT * FROM photoUpload").map(Self.upload).map { ($0.sha256, $0) })
        }
    }

    /// Records the offset the relay confirmed.
    public func setConfirmedOffset(_ offset: Int64, of sha256: String) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE photoUpload SET confirmedOffset = ?, lastError = NULL, updatedAt = ? WHERE sha256 = ?",
                           arguments: [offset, Date(), sha256])
        }
    }

    /// Marks a queued photo as sent, refused for good, or still queued with a note on the last attempt.
    public func setUploadState(_ state: PhotoUpload.State, of sha256: String, error: String? = nil) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    UPDATE photoUpload SET state = ?, lastError = ?, updatedAt = ?,
                        confirmedOffset = CASE WHEN ? = 'done' THEN byteCount ELSE confirmedOffset END
                    WHERE sha256 = ?
                    """,
                arguments: [state.rawValue, error, Date(), state.rawValue, sha256])
        }
    }

    /// Photos and bytes still to send.
    public func photoQueueStatus() async throws -> PhotoQueueStatus {
        try await writer.read { db in
            var status = PhotoQueueStatus()
            if let row = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS n, COALESCE(SUM(byteCount - confirmedOffset), 0) AS bytes FROM photoUpload WHERE state = 'queued'") {
                status.pendingPhotos = row["n"]
                status.pendingBytes = row["bytes"]
            }
            status.failedPhotos = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM photoUpload WHERE state = 'failed'") ?? 0
            return status
        }
    }

    private static func upload(_ row: Row) -> PhotoUpload {
        PhotoUpload(
            sha256: row["sha256"], byteCount: row["byteCount"], contentType: row["contentType"], fileName: row["fileName"],
            reportId: row["reportId"], state: PhotoUpload.State(rawValue: row["state"]) ?? .queued,
            confirmedOffset: row["confirmedOffset"], lastError: row["lastError"])
    }
}
