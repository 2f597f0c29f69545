import Foundation
import OnSiteStorage

/// The free-space check before a commit: a full disk is said plainly ("needs 1.1 MB, 300 KB free") before
/// anything is written, instead of failing inside SQLite.
extension Replica {
    /// Room a commit of `count` operations may take: a fixed floor (1 MiB), and twice 4 KiB per operation (a page
    /// for its report rewritten, its outbox row and index entries), twice because the write-ahead log holds the new
    /// pages until a checkpoint copies them into the file.
    static func roomNeeded(forOperations count: Int) -> Int64 {
        (1 << 20) + 2 * Int64(count) * (4 << 10)
    }

    /// - Throws: ``ClientError/lowDisk(folder:needed:available:)`` when the replica's disk has less free space than
    ///   ``roomNeeded(forOperations:)`` plus `extraBytes`; nothing is written then.
    func requireRoom(forOperations count: Int, extraBytes: Int64 = 0) throws {
        let needed = Self.roomNeeded(forOperations: count) + extraBytes
        if let free = DiskSpace.available(at: directory.path), free < needed {
            throw ClientError.lowDisk(folder: directory.path, needed: needed, available: free)
        }
    }
}
