import Foundation
import OnSiteClient
import OnSiteSync

/// Notes when the supervisor first sees every verification (pulling directly from the relay), and when the
/// first and the last photo land on the relay (its `blobs/` folder holds complete, verified blobs only).
actor FieldDayWatch {
    struct Times {
        var allVerifications: Double?
        var firstPhoto: Double?
        var allPhotos: Double?
    }

    let expectedVerifications: Int
    let expectedPhotos: Int
    private(set) var times = Times()
    private var lastLine = ContinuousClock.now

    init(expectedVerifications: Int, expectedPhotos: Int) {
        self.expectedVerifications = expectedVerifications
        self.expectedPhotos = expectedPhotos
    }

    /// Checks photos every 250 ms and pulls for the supervisor every `every`, until cancelled; prints a line
    /// about every 30 s.
    func run(supervisor: Replica, reportIds: Set<String>, blobsFolder: URL, every: Duration, start: ContinuousClock.Instant,
             line: @Sendable (String) -> Void) async {
        var nextPull = ContinuousClock.now
        while !Task.isCancelled {
            let photos = Self.blobCount(blobsFolder)
            note(photos: photos, at: (ContinuousClock.now - start).seconds)
            if ContinuousClock.now >= nextPull {
                nextPull = ContinuousClock.now + every
                let seen = (try? await Self.pullAndCount(supervisor, reportIds: reportIds)) ?? 0
                note(verifications: seen, at: (ContinuousClock.now - start).seconds)
                if ContinuousClock.now - lastLine >= .seconds(30) {
                    lastLine = .now
                    line(String(format: "%7.1f s: supervisor sees %d/%d verifications, %d/%d photos on the relay",
                                (ContinuousClock.now - start).seconds, seen, expectedVerifications, photos, expectedPhotos))
                }
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }

    /// One last look after the sync returned.
    func finish(supervisor: Replica, reportIds: Set<String>, blobsFolder: URL, start: ContinuousClock.Instant) async {
        note(photos: Self.blobCount(blobsFolder), at: (ContinuousClock.now - start).seconds)
        note(verifications: (try? await Self.pullAndCount(supervisor, reportIds: reportIds)) ?? 0, at: (ContinuousClock.now - start).seconds)
    }

    private func note(photos: Int, at seconds: Double) {
        if photos > 0, times.firstPhoto == nil { times.firstPhoto = seconds }
        if photos >= expectedPhotos, times.allPhotos == nil { times.allPhotos = seconds }
    }

    private func note(verifications: Int, at seconds: Double) {
        if verifications >= expectedVerifications, times.allVerifications == nil { times.allVerifications = seconds }
    }

    /// Pulls what is new and counts the verifications on the field day's reports.
    private static func pullAndCount(_ supervisor: Replica, reportIds: Set<String>) async throws -> Int {
        let engine = SyncEngine(replica: supervisor)
        var report = SyncReport()
        try await engine.pull(client: try await engine.makeClient(), into: &report)
        return try await supervisor.allRecords().filter { reportIds.contains($0.id) }.reduce(0) { $0 + $1.verifications.count }
    }

    private static func blobCount(_ folder: URL) -> Int {
        (FileManager.default.subpaths(atPath: folder.path) ?? []).filter { $0.split(separator: "/").count == 2 }.count
    }
}
