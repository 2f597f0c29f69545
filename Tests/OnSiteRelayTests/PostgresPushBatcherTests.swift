import Foundation
@testable import OnSiteRelay
import OnSiteSync
import Synchronization
import Testing

/// Group commit's queue for pushes on PostgreSQL (the transactions themselves: `PostgresSharedDatabaseTests`).
@Suite("PostgreSQL pushes: group commit's queue")
struct PostgresPushBatcherTests {
    static func pending(_ changeSet: ChangeSet) -> PostgresPushBatcher.Pending {
        PostgresPushBatcher.Pending(changeSet: changeSet, actor: RelaySyncStorageTests.officer, limits: SyncLimits(), date: RelaySyncStorageTests.now)
    }

    static func changeSet(_ sequence: Int64, notes: Int = 1) -> ChangeSet {
        RelaySyncStorageTests.changeSet(RelaySyncStorageTests.officer, sequence, (0..<notes).map { index in
            (.addNote(Note(author: "Lan", at: RelaySyncStorageTests.now, text: "ghi chú \(index)")), "r1")
        })
    }

    /// Waits (up to 10 s) until `count` pushes wait in `batcher`, so the test's submissions keep their order.
    static func waitUntil(_ batcher: PostgresPushBatcher, queued count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while await batcher.queued < count {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    @Test("pushes that arrive while a transaction runs go into the next one, at most its size, in order; a change set sent twice waits for the one after")
    func pushesWaitingShareTheNextTransaction() async throws {
        let batcher = PostgresPushBatcher(maxChangeSets: 4, maxOperations: 5_000)
        let batches = Mutex<[[UUID]]>([])
        let (opened, open) = AsyncStream<Void>.makeStream()
        let apply: @Sendable ([PostgresPushBatcher.Pending]) async -> [Result<PushResult, any Error>] = { batch in
            let first = batches.withLock { batches in
                batches.append(batch.map(\.changeSet.id))
                return batches.count == 1
            }
            // The first transaction holds until the test has queued the rest.
            if first { for await _ in opened { break } }
            return batch.map { .success(PushResult(changeSetId: $0.changeSet.id, serverVersion: 0, results: [])) }
        }
        let head = Self.changeSet(1)
        let firstAnswer = Task { try await batcher.submit(Self.pending(head), apply: apply) }
        while batches.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(5)) }
        let queued = (2...7).map { Self.changeSet(Int64($0)) }
        let again = queued[0]
        var answers: [Task<PushResult, any Error>] = []
        for (index, changeSet) in (queued + [again]).enumerated() {
            answers.append(Task { try await batcher.submit(Self.pending(changeSet), apply: apply) })
            try await Self.waitUntil(batcher, queued: index + 1)
        }
        open.yield()
        open.finish()
        #expect(try await firstAnswer.value.changeSetId == head.id)
        for (answer, changeSet) in zip(answers, queued + [again]) {
            #expect(try await answer.value.changeSetId == changeSet.id)
        }
        let seen = batches.withLock { $0 }
        #expect(seen.first == [head.id])
        #expect(seen.dropFirst().first == queued.prefix(4).map(\.id), "at most 4, oldest first")
        #expect(seen.dropFirst(2).first == queued.suffix(2).map(\.id) + [again.id] || seen.dropFirst(2).first == queued.suffix(2).map(\.id),
                "the rest next; the one sent twice not beside itself: \(seen)")
        #expect(seen.flatMap { $0 }.filter { $0 == again.id }.count == 2)
        for batch in seen { #expect(Set(batch).count == batch.count, "a change set twice in one transaction: \(batch)") }
    }

    @Test("a batch stops before the operation limit, and a change set larger than it goes alone")
    func operationLimit() async throws {
        let batcher = PostgresPushBatcher(maxChangeSets: 32, maxOperations: 10)
        let batches = Mutex<[Int]>([])
        let (opened, open) = AsyncStream<Void>.makeStream()
        let apply: @Sendable ([PostgresPushBatcher.Pending]) async -> [Result<PushResult, any Error>] = { batch in
            let first = batches.withLock { batches in
                batches.append(batch.reduce(0) { $0 + $1.changeSet.operations.count })
                return batches.count == 1
            }
            if first { for await _ in opened { break } }
            return batch.map { .success(PushResult(changeSetId: $0.changeSet.id, serverVersion: 0, results: [])) }
        }
        let blocker = Task { try await batcher.submit(Self.pending(Self.changeSet(1)), apply: apply) }
        while batches.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(5)) }
        var answers: [Task<PushResult, any Error>] = []
        for (index, size) in [4, 4, 4, 12].enumerated() {
            let changeSet = Self.changeSet(Int64(index + 2), notes: size)
            answers.append(Task { try await batcher.submit(Self.pending(changeSet), apply: apply) })
            try await Self.waitUntil(batcher, queued: index + 1)
        }
        open.yield()
        open.finish()
        _ = try await blocker.value
        for answer in answers { _ = try await answer.value }
        #expect(batches.withLock { $0 } == [1, 8, 4, 12])
    }
}
