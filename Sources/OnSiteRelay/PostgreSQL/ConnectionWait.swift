import Foundation

/// A bound on how long a store call waits for a pooled connection before it starts.
///
/// postgres-nio's pool keeps a request waiting while it tries to connect, and fails it only when its circuit
/// breaker trips, after a minute of failed attempts (not configurable through `PostgresClient`). A relay whose
/// database went away would hold every device's request for that minute. With this bound a call that has no
/// connection within ``limit`` gives up (its lease request is cancelled, which the pool supports) and the device
/// gets 503 `store_unavailable` at once, keeps its work and retries.
///
/// Only the wait is bounded: once the call has its connection, the timer no longer matters, so a long statement or
/// transaction is never cut (a push is never interrupted between its statements by this bound).
struct ConnectionWait: Sendable {
    /// How long a call may wait for a connection.
    var limit: Duration

    /// The call's start, claimed once by whichever comes first: the call getting its connection, or the timer.
    final class Claim: @unchecked Sendable {
        // @unchecked: `state` is read and written under `lock`.
        private enum State { case waiting, started, expired }
        private let lock = NSLock()
        private var state = State.waiting

        /// Called with the connection in hand, before any statement.
        /// - Throws: ``Expired`` when the wait already ran out (the connection is handed back unused).
        func begin() throws(Expired) {
            let won = lock.withLock {
                guard state == .waiting else { return false }
                state = .started
                return true
            }
            guard won else { throw Expired(limit: nil) }
        }

        /// Claims the call for the timer; false when the call had already started.
        fileprivate func expire() -> Bool {
            lock.withLock {
                guard state == .waiting else { return false }
                state = .expired
                return true
            }
        }
    }

    /// The wait for a connection ran out; ``PostgresStoreError`` reports it as the server's absence.
    struct Expired: Error, Sendable, CustomStringConvertible {
        /// The bound that ran out (nil for the call that found it already out).
        var limit: Duration?

        var description: String {
            guard let limit else { return "no connection to the server within the relay's bound" }
            let milliseconds = limit.components.seconds * 1_000 + limit.components.attoseconds / 1_000_000_000_000_000
            return "no connection to the server within " + (milliseconds % 1_000 == 0 ? "\(milliseconds / 1_000) s" : "\(milliseconds) ms")
        }
    }

    private enum Outcome<T: Sendable>: Sendable {
        case finished(T)
        case expired
        case timerDone
    }

    /// Runs `call`, which must call ``Claim/begin()`` as soon as it holds its connection; throws ``Expired`` when
    /// it does not within ``limit``.
    func run<T: Sendable>(_ call: (Claim) async throws -> T) async throws -> T {
        let claim = Claim()
        let limit = self.limit
        return try await withoutActuallyEscaping(call) { escapable in
            // The group's children end before it returns, so `call` never outlives this function.
            let work = UncheckedCall(call: escapable)
            return try await withThrowingTaskGroup(of: Outcome<T>.self) { group in
                group.addTask { .finished(try await work.call(claim)) }
                group.addTask {
                    try? await Task.sleep(for: limit)
                    return !Task.isCancelled && claim.expire() ? .expired : .timerDone
                }
                while let outcome = try await group.next() {
                    switch outcome {
                    case .finished(let value):
                        group.cancelAll()
                        return value
                    case .expired:
                        group.cancelAll()
                        throw Expired(limit: limit)
                    case .timerDone:
                        continue
                    }
                }
                throw Expired(limit: limit)
            }
        }
    }

    /// `call` carried into the group's child task: it does not escape the group (see ``run(_:)``), and it runs on
    /// one task at a time.
    private struct UncheckedCall<T: Sendable>: @unchecked Sendable {
        let call: (Claim) async throws -> T
    }
}
