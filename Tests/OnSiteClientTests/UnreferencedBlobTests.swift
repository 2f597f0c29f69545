import Foundation
import GRDB
@testable import OnSiteClient
import OnSiteClientTesting
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
}
