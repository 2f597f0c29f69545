import Foundation
import GRDB
@testable import OnSiteClient
import OnSiteClientTesting
import OnSiteCore
import Testing

/// `onsite attach` copies the photo into `blobs/` before the commit that records it: a failed commit (a full disk)
/// must not leave the copy behind, and must not take a photo something else refers to.
@Suite("Photos of a failed commit")
struct UnreferencedBlobTests {
    /// Makes the replica's next insert into the upload queue fail, as a full disk fails a commit.
    func failNextQueueInsert(_ replica: Replica) async throws {
        try await replica.writer.write { db in
            try db.execute(sql: "CREATE TEMP TRIGGER full_disk BEFORE INSERT ON photoUpload BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END")
        }
    }

    @Test("a failed commit removes the photo copied for it; a photo already recorded stays")
    func failedAttachLeavesNothing() async throws {
        // Given Lan with one photo recorded on a report
        let bench = try FieldBench()
        defer { bench.remove() }
        let (_, lan, _) = try await bench.twoOfficers()
        let replica = lan.client.replica
        let first = SampleFiles.photos.appendingPathComponent("dbp-site-1.jpg").path
        let second = SampleFiles.photos.appendingPathComponent("dbp-site-2.jpg").path
        let kept = try await lan.client.attach(photos: [first], to: "DB-2024-00101")
        let pending = try await replica.pendingOperationCount()

        // When attaching a new photo and the recorded one again fails at the commit
        try await failNextQueueInsert(replica)
        await #expect(throws: (any Error).self) {
            try await lan.client.attach(photos: [second, first], to: "DB-2024-00102")
        }

        // Then the new photo's copy is gone, the recorded one stays, and nothing was queued
        let blobs = try FileManager.default.subpathsOfDirectory(atPath: replica.blobs.directory.path).filter { $0.count > 60 && !$0.hasPrefix("tmp") }
        #expect(blobs.map { ($0 as NSString).lastPathComponent } == [kept[0].attachment.sha256])
        #expect(replica.blobs.contains(kept[0].attachment.sha256))
        #expect(try await replica.pendingOperationCount() == pending)
    }

    /// Backdates a file, as if the `onsite` that wrote it had been killed `hours` ago.
    func age(_ path: String, hours: Double) throws {
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-hours * 3600)], ofItemAtPath: path)
    }

    /// A replica on disk (the bench's are in memory: reopening one must find the same database) and a report to attach to.
    func replicaOnDisk(_ bench: FieldBench) async throws -> (Replica, Report) {
        let (_, lan, _) = try await bench.twoOfficers()
        let report = try await lan.client.replica.report("DB-2024-00101").record.report
        return (try Replica(directory: bench.folder.appendingPathComponent("replica-on-disk")), report)
    }

    @Test("a photo published by an attach killed before its commit is swept at a start an hour later, not sooner")
    func abandonedImportIsSwept() async throws {
        // Given an attach copied a photo into blobs/ and was killed before its commit (prepared, never recorded)
        let bench = try FieldBench()
        defer { bench.remove() }
        let (replica, report) = try await replicaOnDisk(bench)
        let photo = SampleFiles.photos.appendingPathComponent("dbp-site-1.jpg").path
        let sha256 = try replica.preparePhoto(at: photo, for: report, addedBy: "Lan").attachment.sha256
        let marker = replica.blobs.intentPath(for: sha256)
        #expect(FileManager.default.fileExists(atPath: marker))

        // When onsite starts again within the hour (another process may still be committing it)
        _ = try Replica(directory: replica.directory)
        // Then the photo stays
        #expect(replica.blobs.contains(sha256))

        // When onsite starts after the marker is an hour old
        try age(marker, hours: 2)
        _ = try Replica(directory: replica.directory)
        // Then the unrecorded photo and its marker are gone
        #expect(!replica.blobs.contains(sha256))
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test("a queued photo whose marker outlived its commit stays; a photo without a marker is never swept")
    func recordedAndUnmarkedPhotosStay() async throws {
        // Given a photo recorded in the upload queue whose marker was left, as if onsite died just after its commit
        let bench = try FieldBench()
        defer { bench.remove() }
        let (replica, report) = try await replicaOnDisk(bench)
        let queued = try replica.preparePhoto(at: SampleFiles.photos.appendingPathComponent("dbp-site-1.jpg").path, for: report, addedBy: "Lan")
        try await replica.writer.write { db in
            try db.execute(sql: """
                INSERT INTO photoUpload (sha256, byteCount, contentType, fileName, reportId, state, confirmedOffset, queuedAt)
                VALUES (?, ?, 'image/jpeg', 'dbp-site-1.jpg', ?, 'queued', 0, ?)
                """, arguments: [queued.attachment.sha256, queued.attachment.byteCount, report.id, Date()])
        }
        try age(replica.blobs.intentPath(for: queued.attachment.sha256), hours: 2)
        // And an unmarked blob no record names (old work next to a replica database made anew)
        let unmarked = try replica.blobs.importFile(at: SampleFiles.photos.appendingPathComponent("dbp-site-2.jpg").path).sha256
        replica.blobs.clearImportIntents([unmarked])

        // When onsite starts again
        _ = try Replica(directory: replica.directory)

        // Then both photos stay, and the stale marker is gone
        #expect(replica.blobs.contains(queued.attachment.sha256))
        #expect(replica.blobs.contains(unmarked))
        #expect(!FileManager.default.fileExists(atPath: replica.blobs.intentPath(for: queued.attachment.sha256)))
    }

    @Test("a finished attach leaves no marker")
    func attachClearsItsMarker() async throws {
        let bench = try FieldBench()
        defer { bench.remove() }
        let (_, lan, _) = try await bench.twoOfficers()
        let attached = try await lan.client.attach(photos: [SampleFiles.photos.appendingPathComponent("dbp-site-1.jpg").path], to: "DB-2024-00101")
        #expect(!FileManager.default.fileExists(atPath: lan.client.replica.blobs.intentPath(for: attached[0].attachment.sha256)))
    }
}
