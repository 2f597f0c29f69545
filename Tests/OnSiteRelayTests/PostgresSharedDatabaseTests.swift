import Foundation
import Logging
import OnSiteCore
@testable import OnSiteRelay
import OnSiteSync
import PostgresNIO
import Synchronization
import Testing

/// Two stores (two connection pools, as two relays would hold) on one PostgreSQL database: versions stay one
/// sequence and a pull never passes a version that commits later.
@Suite("PostgreSQL store: several relays on one database")
struct PostgresSharedDatabaseTests {
    typealias Sync = RelaySyncStorageTests

    /// How many devices are done pushing.
    final class Count: Sendable {
        private let value = Mutex(0)
        func add() { value.withLock { $0 += 1 } }
        var current: Int { value.withLock { $0 } }
    }

    /// Runs `body` with two stores on one fresh database.
    func withTwoStores(_ body: (PostgresRelayStore, PostgresRelayStore, PostgresStoreLocation) async throws -> Void) async throws {
        let location = try await PostgresTestCluster.freshDatabase()
        try await PostgresRelayStore.withStore(at: location, blobs: PostgresTestCluster.noBlobs) { first in
            try await PostgresRelayStore.withStore(at: location, blobs: PostgresTestCluster.noBlobs) { second in
                try await body(first, second, location)
            }
        }
    }

    /// The usual devices, `count` officers of one ward, and report r1 (version 1) pushed by the hub.
    static func officersOfOneWard(_ count: Int, on store: PostgresRelayStore) async throws -> [Actor] {
        try await Sync.enrol(store)
        let officers = (0..<count).map { Actor(deviceId: "officer-\($0)", role: .officer, units: ["phuong-muong-thanh"]) }
        for officer in officers {
            try await store.addDevice(DeviceRecord(id: officer.deviceId, name: officer.deviceId, role: .officer, units: ["phuong-muong-thanh"],
                                                   tokenHash: "hash-\(officer.deviceId)", createdAt: RelayStorageTests.enrolled))
        }
        _ = try await Sync.push(store, Sync.changeSet(Sync.hub, 1, [(.createReport(Sync.report("r1")), "r1")]), by: Sync.hub)
        return officers
    }

    @Test func aPushWaitsForTheOneInFlightAndAPullMeanwhileStopsBeforeIt() async throws {
        try await withTwoStores { first, second, location in
            try await Sync.enrol(first)
            _ = try await Sync.push(first, Sync.changeSet(Sync.hub, 1, [(.createReport(Sync.report("r1")), "r1")]), by: Sync.hub)
            // A relay in the middle of a push: its transaction holds log_head, as a push does until it commits.
            let inFlight = try await PostgresStoreTests.connect(location)
            let logger = Logger(label: "test.postgres")
            try await inFlight.query("BEGIN", logger: logger)
            try await inFlight.query("SELECT version FROM log_head FOR UPDATE", logger: logger)
            let waiting = Task {
                try await Sync.push(second, Sync.changeSet(Sync.hub, 2, [(.addNote(Note(author: "IOC", at: Sync.now, text: "Chờ")), "r1")]), by: Sync.hub)
            }
            try await Task.sleep(for: .milliseconds(500))
            // The other relay's pull is not held up, and hands no cursor past what is committed.
            let page = try await Sync.pull(first, since: 1, as: Sync.hub)
            #expect(page.serverVersion == 1)
            #expect(page.nextCursor == 1)
            #expect(page.changes.isEmpty)
            try await inFlight.query("COMMIT", logger: logger)
            try await inFlight.close()
            let result = try await waiting.value
            #expect(result.results.map(\.version) == [2])
            #expect(try await Sync.pull(first, since: 1, as: Sync.hub).changes.map(\.version) == [2])
        }
    }

    @Test("Change sets waiting for one relay's transaction share the next one: each gets its own answer, a refused one fails alone, versions stay one sequence")
    func waitingChangeSetsShareOneTransaction() async throws {
        try await withTwoStores { store, _, location in
            let officers = try await Self.officersOfOneWard(8, on: store)
            // Another relay holds log_head: this relay's first push waits for it, and the others queue behind.
            let inFlight = try await PostgresStoreTests.connect(location)
            let logger = Logger(label: "test.postgres")
            try await inFlight.query("BEGIN", logger: logger)
            try await inFlight.query("SELECT version FROM log_head FOR UPDATE", logger: logger)
            func note(_ officer: Actor, _ sequence: Int64, _ text: String) -> ChangeSet {
                Sync.changeSet(officer, sequence, base: 1, [(.addNote(Note(author: officer.deviceId, at: Sync.now, text: text)), "r1")])
            }
            let first = Task { try await Sync.push(store, note(officers[0], 1, "đầu tiên"), by: officers[0]) }
            // Until that push waits on the lock (its transaction is this relay's first batch).
            let watcher = try await PostgresStoreTests.connect(location)
            let deadline = ContinuousClock.now + .seconds(10)
            var waitingOnLock: Int64 = 0
            while waitingOnLock == 0, ContinuousClock.now < deadline {
                for try await count in try await watcher.query("""
                    SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
                    """, logger: logger).decode(Int64.self) { waitingOnLock = count }
                if waitingOnLock == 0 { try await Task.sleep(for: .milliseconds(20)) }
            }
            try await watcher.close()
            try #require(waitingOnLock == 1, "the first push never waited on log_head")
            // Queued meanwhile: six officers' notes, one officer's two change sets with one sequence, and another
            // device's change set sent again under officer 7's name.
            let reused = (note(officers[1], 1, "một"), note(officers[1], 1, "hai"))
            let foreign = note(officers[2], 1, "của máy 2")
            var stolen = foreign
            stolen.deviceId = officers[7].deviceId
            var pushes: [(ChangeSet, Actor)] = (3..<7).map { (note(officers[$0], 1, "ghi chú \($0)"), officers[$0]) }
            pushes += [(reused.0, officers[1]), (reused.1, officers[1]), (foreign, officers[2]), (stolen, officers[7])]
            let answers = pushes.map { changeSet, actor in
                Task { () -> Result<PushResult, any Error> in
                    do { return .success(try await Sync.push(store, changeSet, by: actor)) } catch { return .failure(error) }
                }
            }
            let queuedBy = ContinuousClock.now + .seconds(10)
            while await store.pushBatcher.queued < pushes.count, ContinuousClock.now < queuedBy {
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(await store.pushBatcher.queued == pushes.count, "the pushes queue behind the one in flight")
            try await inFlight.query("COMMIT", logger: logger)
            try await inFlight.close()

            #expect(try await first.value.results.map(\.version) == [2])
            var results: [Result<PushResult, any Error>] = []
            for answer in answers { results.append(await answer.value) }
            let accepted = results.compactMap { try? $0.get() }
            #expect(accepted.count == 6, "\(results)")
            let refusals = results.compactMap { result -> String? in
                if case .failure(let error) = result { return String(describing: error) }
                return nil
            }
            #expect(refusals.count == 2)
            #expect(refusals.contains { $0.contains("sequence") }, "\(refusals)")
            #expect(refusals.contains { $0.contains("pushed by another device") }, "\(refusals)")
            // One sequence, no gap, each accepted note once.
            let versions = accepted.flatMap { $0.results.compactMap(\.version) }.sorted()
            #expect(versions == Array(3...8))
            let page = try await Sync.pull(store, since: 1, as: Sync.hub)
            #expect(page.changes.map(\.version) == Array(2...8))
        }
    }

    @Test func devicesPushingThroughTwoRelaysAtOnceGetOneSequenceAndPullersSkipNothing() async throws {
        try await withTwoStores { first, second, _ in
            let officers = try await Self.officersOfOneWard(12, on: first)
            let finished = Count()
            let rounds = 6
            // Each officer alternates between the relays, pushing two notes a change set.
            let pushing = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (index, officer) in officers.enumerated() {
                        group.addTask {
                            defer { finished.add() }
                            _ = try await (index % 2 == 0 ? first : second).pull(PullRequest(since: 0, limit: 500), for: officer, now: Sync.now,
                                                                                    maxPageBytes: SyncLimits().maxPageBytes)
                            for round in 1...rounds {
                                let store = (index + round) % 2 == 0 ? first : second
                                let notes: [(Change, String)] = (0..<2).map { (.addNote(Note(author: officer.deviceId, at: Sync.now, text: "ghi chú \(round)-\($0)")), "r1") }
                                _ = try await Sync.push(store, Sync.changeSet(officer, Int64(round), base: 1, notes), by: officer)
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            // Two readers, one on each relay, follow the log while it grows.
            let readers = [first, second].map { store in
                Task {
                    var cursor: Int64 = 1
                    var seen: [Int64] = []
                    while true {
                        let done = finished.current == officers.count
                        let page = try await store.pull(PullRequest(since: cursor, limit: 7), for: Sync.hub, now: Sync.now, maxPageBytes: SyncLimits().maxPageBytes)
                        seen += page.changes.map(\.version)
                        cursor = page.nextCursor
                        if done && !page.hasMore { return seen }
                    }
                }
            }
            try await pushing.value
            let expected = Array(Int64(2)...Int64(1 + officers.count * rounds * 2))
            for reader in readers {
                #expect(try await reader.value == expected)
            }
            #expect(try await first.serverVersion() == expected.last)
            #expect(try await first.chainHead() == second.chainHead())
        }
    }

    @Test func aRelayCompactingWhileAnotherFoldsSkipsItsPassAndTheNextOneFolds() async throws {
        try await withTwoStores { first, second, location in
            try await Sync.enrol(first)
            _ = try await Sync.push(first, Sync.changeSet(Sync.hub, 1, (1...4).map { (.createReport(Sync.report("r\($0)")), "r\($0)") }), by: Sync.hub)
            let everything = LogRetention(retainDays: nil, retainVersions: 0)
            // Another relay in the middle of a compaction batch: its transaction holds the compaction lock.
            let folding = try await PostgresStoreTests.connect(location)
            let logger = Logger(label: "test.postgres")
            try await folding.query("BEGIN", logger: logger)
            try await folding.query("SELECT pg_advisory_xact_lock(\(PostgresRelayStore.compactionLockKey))", logger: logger)
            let skipped = try await second.compact(everything, now: Sync.now)
            #expect(skipped == CompactionSummary(compactedThrough: 0, entriesRemoved: 0))
            #expect(try await second.logEntries(after: 0, limit: 10).count == 4)
            try await folding.query("ROLLBACK", logger: logger)
            try await folding.close()
            #expect(try await second.compact(everything, now: Sync.now) == CompactionSummary(compactedThrough: 4, entriesRemoved: 4))
            #expect(try await first.compactedThrough() == 4)
            // Pushes go on after the fold, from the head it left.
            let next = try await Sync.push(first, Sync.changeSet(Sync.hub, 2, [(.addNote(Note(author: "IOC", at: Sync.now, text: "Sau")), "r1")]), by: Sync.hub)
            #expect(next.results.map(\.version) == [5])
        }
    }
}
