import Foundation
import OnSiteClient
import OnSiteClientTesting
import Testing

/// Issue 10, the bad link, on the client: chunks sized to the link, backoff, and a sync that goes on through drops.
@Suite("Bad link (client)")
struct BadLinkClientTests {
    @Test("Chunks grow towards throughput × target after accepted chunks, halve after a cut, and stay within floor, ceiling and the relay's cap")
    func chunkSizer() {
        var sizer = ChunkSizer(initial: 64_000, floor: 16_000, ceiling: 8_000_000, targetSeconds: 2.5)
        #expect(sizer.next == 64_000)
        // 32 kB/s: 64 kB took 2 s; the next aims at 80 kB (2.5 s), not at ×2
        sizer.accepted(bytes: 64_000, seconds: 2)
        #expect(sizer.throughput == 32_000 && sizer.next == 80_000)
        // A fast link: growth is at most ×2 per chunk
        sizer.accepted(bytes: 80_000, seconds: 0.01)
        #expect(sizer.next == 160_000)
        // A cut halves, down to the floor and no further
        sizer.cut()
        #expect(sizer.next == 80_000)
        for _ in 0..<10 { sizer.cut() }
        #expect(sizer.next == 16_000)
        // The relay's maxChunkBytes caps the ceiling
        for _ in 0..<20 { sizer.accepted(bytes: 1_000_000, seconds: 0.001) }
        #expect(sizer.next == 8_000_000)
        sizer.limit(to: 1_048_576)
        #expect(sizer.next == 1_048_576 && sizer.ceiling == 1_048_576)
    }

    @Test("Backoff doubles with jitter in [½, 1] of the step, is capped, and starts over after progress")
    func backoff() {
        var backoff = RetryBackoff(first: .milliseconds(500), cap: .seconds(4))
        #expect(backoff.next(unit: 0.999_999) <= .milliseconds(500) && backoff.next(unit: 0) == .milliseconds(500))
        #expect(backoff.next(unit: 0) == .milliseconds(1000))
        #expect(backoff.next(unit: 1) == .seconds(4))  // 4 s = the 4th step, capped from here on
        #expect(backoff.next(unit: 1) == .seconds(4) && backoff.next(unit: 0) == .seconds(2))
        backoff.reset()
        #expect(backoff.next(unit: 0) == .milliseconds(250))
    }

    @Test("The relay restarting an upload sends it again from 0, a bounded number of times per run")
    func restartedUpload() {
        var upload = UploadStateMachine(byteCount: 3_000, chunkSize: 1_000)
        _ = upload.start()
        #expect(upload.created(offset: 2_400, complete: false) == .sendChunk(offset: 2_400, length: 600))
        #expect(upload.restarted() == .sendChunk(offset: 0, length: 1_000))
        upload.chunkSize = 2_000
        #expect(upload.chunkAccepted(offset: 1_000, complete: false) == .sendChunk(offset: 1_000, length: 2_000))
        #expect(upload.restarted() == .sendChunk(offset: 0, length: 2_000))
        guard case .stop = upload.restarted() else { Issue.record("a third restart in one run stops"); return }
    }

    @Test("What is left to send reads as people say it: changes, photos and the bytes left")
    func pendingWork() {
        #expect(PendingWork(changes: 1).summary == "1 change")
        #expect(PendingWork(photos: 1, photoBytes: 1_900_000).summary == "1 photo (1.9 MB left to send)")
        #expect(PendingWork(changes: 2, photos: 3, photoBytes: 640_000).summary == "2 changes and 3 photos (640 kB left to send)")
        let photosOnly = ClientError.unreachable("connection reset", pending: PendingWork(photos: 1, photoBytes: 2_000_000))
        #expect(photosOnly.description.contains("Your 1 photo (2.0 MB left to send) is kept on this device"), "\(photosOnly)")
        #expect(!photosOnly.description.contains("change"))
        let restated = ClientError.unreachable("connection reset", pending: 1).stating(PendingWork(photos: 2, photoBytes: 10))
        #expect(restated.description.contains("Your 2 photos (10 B left to send) are kept") && restated.isUnreachable)
    }

    @Test("A persistent sync goes on after a lost answer and ends with nothing left; a single attempt names what is kept")
    func persistentSync() async throws {
        let bench = try FieldBench()
        defer { bench.remove() }
        let (_, lan, _) = try await bench.twoOfficers()
        try await lan.client.addNote("Đã liên hệ tổ trưởng", to: "DB-2024-00101")

        // One attempt: the answer is lost, the sync fails and says the change is kept
        lan.relay.link.loseNextAnswer(true)
        await #expect(throws: ClientError.unreachable("the link dropped before the answer arrived", pending: 1)) {
            try await lan.sync(SyncOptions(persistence: .once))
        }

        // Persistent: the answer is lost again, the sync waits a moment and replays the change set
        try await lan.client.addNote("Rác đã thu gom", to: "DB-2024-00101")
        lan.relay.link.loseNextAnswer(true)
        let persistence = SyncPersistence(deadline: .seconds(30), backoff: RetryBackoff(first: .milliseconds(1), cap: .milliseconds(5)))
        let report = try await lan.sync(SyncOptions(persistence: persistence))
        #expect(report.attempts == 2 && report.linkDrops == 1 && report.pendingAfter.isEmpty)
        #expect(report.replayedChangeSets == 1, "the change set committed before the lost answer is replayed, not applied twice")
        #expect(try await lan.client.status().sync.pendingOperations == 0)
    }
}
