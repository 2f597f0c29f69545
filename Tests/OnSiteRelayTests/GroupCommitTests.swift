import Foundation
import GRDB
@testable import OnSiteRelay
import Synchronization
import Testing

/// Issue 13: writes of concurrent requests share one durable commit, each in its own savepoint.
@Suite("Group commit")
struct GroupCommitTests {
    /// Counts the transactions committed on a database.
    final class CommitCounter: TransactionObserver, @unchecked Sendable {
        // Called on the database's writer queue only.
        private(set) var commits = 0
        /// When set, the next commit is vetoed with this error (a commit that fails, like a full disk's).
        var vetoNextCommit: (any Error)?

        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }
        func databaseDidChange(with event: DatabaseEvent) {}
        func databaseWillCommit() throws {
            if let veto = vetoNextCommit {
                vetoNextCommit = nil
                throw veto
            }
        }
        func databaseDidCommit(_ db: Database) { commits += 1 }
        func databaseDidRollback(_ db: Database) {}
    }

    struct Refused: Error, Equatable { var index: Int }

    func makeDatabase() throws -> (DatabasePool, CommitCounter, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("group-commit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let pool = try DatabasePool(path: folder.appendingPathComponent("db.sqlite").path, configuration: RelayStore.configuration)
        let counter = CommitCounter()
        try pool.write { db in
            try db.execute(sql: "CREATE TABLE row (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)")
            db.add(transactionObserver: counter, extent: .databaseLifetime)
        }
        return (pool, counter, folder)
    }

    /// What one caller got back.
    enum Answer: Sendable, Equatable {
        case value(Int)
        case refused(Int)
        case failed(String)

        init(_ body: () async throws -> Int) async {
            do { self = .value(try await body()) } catch let refused as Refused { self = .refused(refused.index) } catch { self = .failed("\(error)") }
        }
    }

    final class Flag: Sendable {
        private let raised = Mutex(false)
        func raise() { raised.withLock { $0 = true } }
        var isRaised: Bool { raised.withLock { $0 } }
    }

    /// Starts 50 writes while the first one holds the transaction; returns what each caller got.
    func writeConcurrently(_ commits: GroupCommit, failing: Set<Int> = []) async -> [Int: Answer] {
        let firstStarted = Flag()
        return await withTaskGroup(of: (Int, Answer).self) { group in
            group.addTask {
                let answer = await Answer {
                    try await commits.write { db in
                        firstStarted.raise()
                        Thread.sleep(forTimeInterval: 0.3)
                        try db.execute(sql: "INSERT INTO row (value) VALUES (0)")
                        return 0
                    }
                }
                return (0, answer)
            }
            while !firstStarted.isRaised { try? await Task.sleep(for: .milliseconds(5)) }
            for index in 1..<50 {
                group.addTask {
                    let answer = await Answer {
                        try await commits.write { db in
                            try db.execute(sql: "INSERT INTO row (value) VALUES (?)", arguments: [index])
                            if failing.contains(index) { throw Refused(index: index) }
                            return index
                        }
                    }
                    return (index, answer)
                }
            }
            var answers: [Int: Answer] = [:]
            for await (index, answer) in group { answers[index] = answer }
            return answers
        }
    }

    @Test("writes that arrive while a transaction runs share the next commit, and each caller gets its own answer")
    func waitingWritesShareOneCommit() async throws {
        let (pool, counter, folder) = try makeDatabase()
        defer { try? FileManager.default.removeItem(at: folder) }
        let before = try await pool.writeWithoutTransaction { _ in counter.commits }
        let results = await writeConcurrently(GroupCommit(writer: pool))

        #expect(results.count == 50)
        for (index, answer) in results { #expect(answer == .value(index)) }
        let values = try await pool.read { db in try Int.fetchAll(db, sql: "SELECT value FROM row ORDER BY value") }
        #expect(values == Array(0..<50))
        let commits = try await pool.writeWithoutTransaction { _ in counter.commits } - before
        // The first write alone, then the 49 that waited behind it: 2 commits (more only if a task started late).
        #expect(commits >= 2 && commits <= 4, "50 writes took \(commits) commits")
    }

    @Test("a write that throws rolls back only its own savepoint; the others of its group commit")
    func aFailingWriteFailsAlone() async throws {
        let (pool, _, folder) = try makeDatabase()
        defer { try? FileManager.default.removeItem(at: folder) }
        let results = await writeConcurrently(GroupCommit(writer: pool), failing: [7, 31])

        for (index, answer) in results {
            #expect(answer == (index == 7 || index == 31 ? .refused(index) : .value(index)))
        }
        let values = try await pool.read { db in try Int.fetchAll(db, sql: "SELECT value FROM row ORDER BY value") }
        #expect(values == Array(0..<50).filter { $0 != 7 && $0 != 31 })
    }

    @Test("a commit that fails fails every write of its group, and none of them is on disk")
    func aFailedCommitFailsTheGroup() async throws {
        let (pool, counter, folder) = try makeDatabase()
        defer { try? FileManager.default.removeItem(at: folder) }
        struct DiskFull: Error {}
        try await pool.writeWithoutTransaction { _ in counter.vetoNextCommit = DiskFull() }
        let commits = GroupCommit(writer: pool)
        let results = await writeConcurrently(commits)

        // The first write's transaction was vetoed; the 49 behind it committed in the next.
        guard case .failed = results[0] else { Issue.record("the vetoed commit answered \(String(describing: results[0]))"); return }
        for index in 1..<50 { #expect(results[index] == .value(index)) }
        let values = try await pool.read { db in try Int.fetchAll(db, sql: "SELECT value FROM row ORDER BY value") }
        #expect(values == Array(1..<50))
        // And the store goes on: a later write commits.
        #expect(try await commits.write { db in try db.execute(sql: "INSERT INTO row (value) VALUES (99)"); return 99 } == 99)
    }

    @Test("a group holds at most maxWrites writes and maxWeight operations")
    func groupsAreBounded() async throws {
        let (pool, counter, folder) = try makeDatabase()
        defer { try? FileManager.default.removeItem(at: folder) }
        let before = try await pool.writeWithoutTransaction { _ in counter.commits }
        let results = await writeConcurrently(GroupCommit(writer: pool, maxWrites: 10))
        #expect(results.allSatisfy { $0.value == .value($0.key) })
        let commits = try await pool.writeWithoutTransaction { _ in counter.commits } - before
        // 1 for the first write, then 49 waiting in groups of at most 10: at least 5 more.
        #expect(commits >= 6, "50 writes in groups of at most 10 took only \(commits) commits")
    }
}
