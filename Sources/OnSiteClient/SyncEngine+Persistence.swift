import Foundation
import OnSiteSync

/// One retry of a persistent sync, for progress lines.
public struct SyncRetry: Sendable, Hashable {
    /// The attempt that failed (1-based).
    public var attempt: Int
    /// Why: the transport's sentence.
    public var reason: String
    /// How long the sync waits before the next attempt.
    public var delay: Duration
    /// What is still to send.
    public var pending: PendingWork
}

extension SyncEngine {
    /// Syncs until the work is done: one pass (push, pull, photos: ``sync(client:options:progress:into:)``)
    /// after another, through dropped links, as ``SyncOptions/persistence`` allows.
    ///
    /// After a pass that succeeded, another pass runs at once only when it can move something: the photo phase
    /// gave way to changes recorded meanwhile, or changes are left and the pass moved some. After a dropped link
    /// it waits (``RetryBackoff``) and tries again, unless the deadline would pass or too many attempts in a row
    /// moved nothing; then it throws the last ``ClientError/isUnreachable`` error, naming what is left.
    /// ``SyncReport/pendingAfter`` says what is left when it returns.
    public func syncPersistently(
        client: some RelayConnection, options: SyncOptions = SyncOptions(), progress: SyncProgress = SyncProgress(),
        sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) async throws -> SyncReport {
        try options.check()
        var report = SyncReport()
        var backoff = options.persistence.backoff
        var generator = SystemRandomNumberGenerator()
        let clock = ContinuousClock()
        let start = clock.now
        var fruitless = 0
        while true {
            report.attempts += 1
            let before = try await replica.pendingWork()
            let bytesBefore = report.photos.bytesSent
            report.photos.yieldedToRecords = false
            do {
                try await sync(client: client, options: options, progress: progress, into: &report)
                let after = try await replica.pendingWork()
                report.pendingAfter = after
                let again = report.photos.yieldedToRecords || (after.changes > 0 && after != before)
                guard !after.isEmpty, again else { return report }
                backoff.reset()
            } catch let error as ClientError where error.isUnreachable {
                report.linkDrops += 1
                let after = try await replica.pendingWork()
                report.pendingAfter = after
                if after != before || report.photos.bytesSent > bytesBefore {
                    fruitless = 0
                    backoff.reset()
                } else {
                    fruitless += 1
                }
                if let limit = options.persistence.maxFailuresWithoutProgress, fruitless >= limit { throw error.stating(after) }
                let delay = backoff.next(unit: Double.random(in: 0..<1, using: &generator))
                guard clock.now + delay - start < options.persistence.deadline else { throw error.stating(after) }
                progress.retries?(SyncRetry(attempt: report.attempts, reason: error.unreachableReason ?? error.description, delay: delay, pending: after))
                logger?.info("link dropped; retrying", metadata: [
                    "sync.attempt": .stringConvertible(report.attempts), "sync.delayMillis": .stringConvertible(delay.wholeMilliseconds),
                ])
                try await sleep(delay)
            }
        }
    }
}
