import Foundation
import GRDB

extension Replica {
    /// Deletes the given blobs when nothing in the replica refers to them: no upload queued or sent, no report
    /// holding them as an attachment. Called when the commit that was to record freshly copied photos failed
    /// (a full disk), so the copies do not stay behind unreferenced. Bounded by the photos of one command.
    ///
    /// - Returns: how many blobs were deleted.
    @discardableResult
    func removeUnreferencedBlobs(_ hashes: [String]) async -> Int {
        var removed = 0
        for sha256 in Set(hashes) {
            let referenced = (try? await writer.read { db in try Self.refersTo(sha256, db: db) }) ?? nil
            // When the replica cannot be read, the blob is kept: a stray file is better than a lost photo.
            guard referenced == false else { continue }
            if unlink(blobs.path(for: sha256)) == 0 { removed += 1 }
        }
        return removed
    }

    /// Deletes photos an `attach` or `verify` published and never recorded because it was killed before its commit
    /// ended: those whose import intent marker (``BlobStore/markImportIntent(_:)``) is older than `date` and that
    /// nothing in the replica refers to. Their markers are removed. A blob without a marker is never touched.
    ///
    /// - Returns: how many blobs were deleted.
    @discardableResult
    func sweepAbandonedImports(olderThan date: Date) -> Int {
        var removed = 0
        for sha256 in blobs.abandonedImportIntents(olderThan: date) {
            // When the replica cannot be read, the blob and its marker are kept for a later start.
            guard let referenced = try? writer.read({ db in try Self.refersTo(sha256, db: db) }) else { continue }
            if !referenced, unlink(blobs.path(for: sha256)) == 0 { removed += 1 }
            blobs.clearImportIntents([sha256])
        }
        return removed
    }

    /// Whether the upload queue or any report (its state or its base) names the blob.
    private static func refersTo(_ sha256: String, db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: """
            SELECT EXISTS (SELECT 1 FROM photoUpload WHERE sha256 = ?)
                OR EXISTS (SELECT 1 FROM report WHERE instr(state, ?) > 0 OR instr(base, ?) > 0)
            """, arguments: [sha256, Data(sha256.utf8), Data(sha256.utf8)]) ?? true
    }
}
