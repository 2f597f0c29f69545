import Foundation
import GRDB
import Synchronization

/// Commits the writes of many requests together: the writes waiting while one transaction runs go into the next
/// transaction, each in its own savepoint, and one durable commit (one fsync) covers them all.
///
/// Every caller is answered only after the commit that holds its write, so an acknowledgement still means "on
/// disk". A write that throws rolls back its own savepoint and fails alone; the others commit. A commit that fails
/// (a full disk) fails every write in it, and none of them is on disk.
///
/// With one device pushing, each transaction holds one write, as before. With 200 devices pushing at once, one
/// transaction holds what arrived meanwhile (up to ``maxWrites`` writes or ``maxWeight`` operations), so the
/// relay pays one fsync per batch instead of one per change set.
///
/// ```swift
/// let result = try await commits.write(weight: changeSet.operations.count) { db in try apply(changeSet, db) }
/// ```
final class GroupCommit: Sendable {
    /// The most writes in one transaction.
    let maxWrites: Int
    /// The most weight (operations) in one transaction; a single heavier write still goes alone.
    let maxWeight: Int
    private let writer: any DatabaseWriter
    private let state = Mutex(State())

    private struct State {
        var waiting: [any PendingWrite] = []
        var draining = false
    }

    init(writer: any DatabaseWriter, maxWrites: Int = 64, maxWeight: Int = 5_000) {
        self.writer = writer
        self.maxWrites = maxWrites
        self.maxWeight = maxWeight
    }

    /// Runs `body` in a savepoint of the next group transaction and returns its result once that transaction
    /// is committed.
    ///
    /// - Parameter weight: how much work `body` does (a change set's operation count), to bound a transaction.
    func write<T: Sendable>(weight: Int = 1, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let pending = Write(weight: max(1, weight), body: body, continuation: continuation)
            let startsDrain = state.withLock { state in
                state.waiting.append(pending)
                guard !state.draining else { return false }
                state.draining = true
                return true
            }
            if startsDrain {
                Task { await self.drain() }
            }
        }
    }

    /// Commits batches until no write is waiting.
    private func drain() async {
        while true {
            let batch = state.withLock { state -> [any PendingWrite] in
                var taken = 0
                var weight = 0
                for write in state.waiting {
                    if taken == maxWrites || (taken > 0 && weight + write.weight > maxWeight) { break }
                    taken += 1
                    weight += write.weight
                }
                let batch = Array(state.waiting.prefix(taken))
                state.waiting.removeFirst(taken)
                if batch.isEmpty { state.draining = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                try await writer.write { db in
                    for write in batch {
                        // SQLite ends the whole transaction on some errors (a full disk): the group then fails
                        // with that write's error, the cause, rather than the "transaction aborted" that follows.
                        if let abort = write.run(in: db) { throw abort }
                    }
                }
                for write in batch { write.answer() }
            } catch {
                for write in batch { write.fail(error) }
            }
        }
    }
}

/// One caller's write waiting for its group's commit.
private protocol PendingWrite: Sendable {
    var weight: Int { get }
    /// Runs the write in its own savepoint of the open transaction, keeping its result or error.
    ///
    /// - Returns: the write's error when it also ended the transaction (nothing of the group can commit).
    func run(in db: Database) -> (any Error)?
    /// Answers the caller after the commit: its own result or its own error.
    func answer()
    /// Answers the caller with the transaction's error: nothing of the group was committed.
    func fail(_ error: any Error)
}

private final class Write<T: Sendable>: PendingWrite {
    let weight: Int
    private let body: @Sendable (Database) throws -> T
    private let continuation: CheckedContinuation<T, any Error>
    /// Set on the database's queue by ``run(in:)``, read after the commit by ``answer()``.
    private let outcome = Mutex<Result<T, any Error>?>(nil)

    init(weight: Int, body: @escaping @Sendable (Database) throws -> T, continuation: CheckedContinuation<T, any Error>) {
        self.weight = weight
        self.body = body
        self.continuation = continuation
    }

    func run(in db: Database) -> (any Error)? {
        let result: Result<T, any Error>
        do {
            var value: T?
            try db.inSavepoint {
                value = try body(db)
                return .commit
            }
            guard let value else { throw GroupCommitError.noResult }
            result = .success(value)
        } catch {
            result = .failure(error)
        }
        outcome.withLock { $0 = result }
        if case .failure(let error) = result, !db.isInsideTransaction { return error }
        return nil
    }

    func answer() {
        let result = outcome.withLock { $0 } ?? .failure(GroupCommitError.noResult)
        continuation.resume(with: result)
    }

    func fail(_ error: any Error) {
        continuation.resume(throwing: error)
    }
}

/// A write that ran without leaving a result: a bug in the group commit, never a device's doing.
enum GroupCommitError: Error, CustomStringConvertible {
    case noResult

    var description: String { "A write of the group commit ended without a result; nothing was acknowledged. Report this as a relay bug." }
}
