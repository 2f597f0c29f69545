import Foundation

extension BlobStore {
    /// Deletes copies left in `tmp/` by an import or a download that was killed, once they are older than
    /// `date` (a copy in progress in another `onsite` process is younger). Returns how many were deleted.
    @discardableResult
    public func sweepTemporaryFiles(olderThan date: Date) -> Int {
        let folder = directory.appendingPathComponent("tmp")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return 0 }
        var swept = 0
        for name in names {
            let path = folder.appendingPathComponent(name).path
            guard let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                  modified < date, unlink(path) == 0
            else { continue }
            swept += 1
        }
        return swept
    }
}
