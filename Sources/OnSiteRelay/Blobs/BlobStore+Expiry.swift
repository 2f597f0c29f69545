import Foundation

extension RelayBlobStore {
    /// Deletes the uploads that have not moved since `cutoff` (abandoned for good), and leftovers: data files
    /// without a record, temporary files, and records of an older format (uploads before they were per device).
    ///
    /// Runs at start-up and, at most once a minute, when an upload is created (``sweepIfDue(now:maxAge:)``).
    /// A device whose upload was swept is answered `201` with offset 0 on its next `POST /v1/uploads` and
    /// sends the photo again. Returns the number of uploads removed.
    @discardableResult
    public func sweepExpiredUploads(olderThan cutoff: Date) -> Int {
        defer { sweepLeaseFiles(olderThan: cutoff) }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: uploadsDirectory.path) else { return 0 }
        let records = Set(names.filter { $0.hasSuffix(".json") })
        var removed = 0
        for name in records {
            let path = uploadsDirectory.appendingPathComponent(name).path
            let data = FileManager.default.contents(atPath: path)
            if let data, let upload = try? JSONDecoder().decode(PartialUpload.self, from: data) {
                guard upload.updatedAt < cutoff, !isLeased(upload.key) else { continue }
                discardUpload(upload.key)
            } else {
                unlink(path)
                unlink(String(path.dropLast(".json".count)))
            }
            removed += 1
        }
        // Bytes without a record (a crash between the two files, the old format) and temporary files, once old.
        for name in names where !records.contains(name) && !records.contains(name + ".json") {
            let path = uploadsDirectory.appendingPathComponent(name).path
            var info = stat()
            // Only old ones: a young `.tmp` may be a record being written durably right now.
            guard stat(path, &info) == 0, Date(timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec)) < cutoff else { continue }
            unlink(path)
        }
        return removed
    }

    /// Removes the lease files of uploads that are gone, once untouched since `cutoff`. Taking an upload writes its
    /// lease file, so one in use is never that old (and ``UploadClaim`` checks that its file is still in place).
    private func sweepLeaseFiles(olderThan cutoff: Date) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: leasesDirectory.path) else { return }
        for name in names where !FileManager.default.fileExists(atPath: uploadsDirectory.appendingPathComponent(name + ".json").path) {
            let path = leasesDirectory.appendingPathComponent(name).path
            var info = stat()
            guard stat(path, &info) == 0, Date(timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec)) < cutoff else { continue }
            unlink(path)
        }
    }

    /// Sweeps uploads idle longer than `maxAge` unless a sweep ran in the last minute.
    func sweepIfDue(now: Date, maxAge: TimeInterval) {
        guard sweepClock.isDue(now) else { return }
        sweepExpiredUploads(olderThan: now.addingTimeInterval(-maxAge))
    }
}

/// When the last sweep of abandoned uploads ran, so creating uploads sweeps at most once a minute.
final class SweepClock: @unchecked Sendable {
    // @unchecked: `last` is only touched under `lock`.
    private let lock = NSLock()
    private var last: Date?

    /// True (and records `now`) when no sweep ran in the minute before `now`.
    func isDue(_ now: Date) -> Bool {
        lock.withLock {
            if let last, now.timeIntervalSince(last) < 60, now >= last { return false }
            last = now
            return true
        }
    }
}
