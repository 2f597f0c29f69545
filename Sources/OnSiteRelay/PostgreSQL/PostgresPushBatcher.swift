import Foundation
import OnSiteSync

/// Group commit for one relay's pushes on PostgreSQL: the change sets that arrive while a push transaction runs go
/// into the next one (at most ``maxChangeSets`` change sets or ``maxOperations`` operations), which takes
/// `log_head` once, applies them one after another, and commits once. Each device is answered only after the commit
/// that holds its change set; a change set the merge refuses fails alone, a transaction that fails fails them all
/// (nothing of them is then stored, and their devices send them again).
///
/// Pushes from other relays on the database still wait for `log_head` between these transactions, so versions stay
/// one sequence committed in order (`Protocol/sync.md`, "Several relays on one PostgreSQL database").
actor PostgresPushBatcher {
    /// One push waiting for its transaction.
    struct Pending: Sendable {
        var changeSet: ChangeSet
        var actor: Actor
        var limits: SyncLimits
        var date: Date
    }

    let maxChangeSets: Int
    let maxOperations: Int
    private var waiting: [(push: Pending, answer: CheckedContinuation<PushResult, any Error>)] = []
    private var draining = false

    /// How many pushes wait for a transaction now (not counting the batch that runs).
    var queued: Int { waiting.count }

    init(maxChangeSets: Int = 32, maxOperations: Int = 5_000) {
        self.maxChangeSets = maxChangeSets
        self.maxOperations = maxOperations
    }

    /// Queues `push` and returns its result once the transaction that holds it has committed; `apply` runs one
    /// transaction over a batch and returns each change set's result, in order.
    func submit(_ push: Pending, apply: @escaping @Sendable ([Pending]) async -> [Result<PushResult, any Error>]) async throws -> PushResult {
        try await withCheckedThrowingContinuation { continuation in
            waiting.append((push, continuation))
            if !draining {
                draining = true
                Task { await self.drain(apply) }
            }
        }
    }

    private func drain(_ apply: @Sendable ([Pending]) async -> [Result<PushResult, any Error>]) async {
        while !waiting.isEmpty {
            let batch = takeBatch()
            let results = await apply(batch.map(\.push))
            for (index, item) in batch.enumerated() {
                item.answer.resume(with: index < results.count ? results[index] : .failure(PostgresPushLedgerError.notLoaded("a result of the batch")))
            }
        }
        draining = false
    }

    /// The oldest waiting pushes that fit a batch; a change set already in it (sent again while waiting) waits for
    /// the next one, where it is answered with the stored result.
    private func takeBatch() -> [(push: Pending, answer: CheckedContinuation<PushResult, any Error>)] {
        var batch: [(push: Pending, answer: CheckedContinuation<PushResult, any Error>)] = []
        var rest: [(push: Pending, answer: CheckedContinuation<PushResult, any Error>)] = []
        var ids = Set<UUID>()
        var operations = 0
        for item in waiting {
            let count = item.push.changeSet.operations.count
            let fits = batch.isEmpty || (batch.count < maxChangeSets && operations + count <= maxOperations)
            if fits, !ids.contains(item.push.changeSet.id) {
                batch.append(item)
                ids.insert(item.push.changeSet.id)
                operations += count
            } else {
                rest.append(item)
            }
        }
        waiting = rest
        return batch
    }
}
