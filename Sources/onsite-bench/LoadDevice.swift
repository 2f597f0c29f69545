import Foundation
import OnSiteClient
import OnSiteCore
import OnSiteSync

/// One device of the load benchmark: pushes change sets of notes back to back on its own kept-alive TLS
/// connection and pulls one page between pushes, as a field device syncing a busy day would.
struct LoadDevice: Sendable {
    static let districts = ["tp-dien-bien-phu", "huyen-dien-bien", "huyen-tuan-giao", "huyen-muong-cha", "huyen-nam-po"]

    /// What one device did.
    struct Outcome: Sendable {
        var deviceId: String
        /// The push latency of each acknowledged change set, in microseconds (retries included).
        var pushMicros: [UInt64] = []
        /// Operations the relay answered `applied` (or `duplicate`, after a retried push whose answer was lost).
        var acknowledged: [UUID] = []
        /// Operations the relay refused (none expected: every note is on a report in the device's scope).
        var rejected = 0
        var pulls = 0
        var entriesPulled = 0
        /// Exchanges that failed (transport or a refusal) and were retried with the same bytes.
        var failures = 0
    }

    let client: RelayClient
    let deviceId: String
    let reportIds: [String]
    let notesPerChangeSet: Int
    let label: String
    private let startCursor: Int64

    /// Reads the device's profile and pulls its scope once (a snapshot), so its first change set has a base.
    init(index: Int, client: RelayClient, reportIds: [String], notesPerChangeSet: Int) async throws {
        self.client = client
        self.reportIds = reportIds
        self.notesPerChangeSet = notesPerChangeSet
        self.label = "Cán bộ \(index)"
        var counters = WireCounters()
        deviceId = try await client.profile(counters: &counters).deviceId
        var request = PullRequest(since: 0, limit: 500)
        while true {
            let page = try await client.pull(request, pending: 0, counters: &counters)
            if let snapshot = page.snapshot, !snapshot.isComplete {
                request = PullRequest(since: request.since, limit: 500, snapshot: snapshot)
                continue
            }
            request = PullRequest(since: page.nextCursor, limit: 500)
            if !page.hasMore { break }
        }
        startCursor = request.since
    }

    /// Pushes until `deadline`. With no `pushEvery`, each push starts when the previous answer (and pull) is done:
    /// a closed loop, where the latency is set by how many devices wait (N devices at X change sets/s wait about
    /// N/X each). With `pushEvery`, each push is due on a schedule (the first at a random offset, then one every
    /// interval): an open loop, the load of devices that sync at that pace. A push that starts late, behind a slow
    /// answer, is timed from when it was due, so a stall is counted in full (no coordinated omission).
    func run(until deadline: ContinuousClock.Instant, pulling: Bool, pushEvery: Duration? = nil) async throws -> Outcome {
        var outcome = Outcome(deviceId: deviceId)
        var due = ContinuousClock.now
        if let pushEvery {
            due += pushEvery * Double.random(in: 0..<1)
        }
        var counters = WireCounters()
        var cursor = startCursor
        var sequence: Int64 = 0
        var counter: UInt32 = 0
        var generator = SystemRandomNumberGenerator()
        while ContinuousClock.now < deadline {
            if let pushEvery {
                if due >= deadline { break }
                if due > ContinuousClock.now { try await Task.sleep(until: due) }
            } else {
                due = ContinuousClock.now
            }
            sequence += 1
            let now = Int64(Date().timeIntervalSince1970 * 1_000)
            let operations = (0..<notesPerChangeSet).map { _ in
                counter &+= 1
                let reportId = reportIds[Int.random(in: 0..<reportIds.count, using: &generator)]
                return SyncOperation(
                    reportId: reportId, stamp: HybridTimestamp(wallMillis: now, counter: counter, device: deviceId),
                    change: .addNote(Note(author: label, at: WireDate.rounded(Date()), text: "Đã đến hiện trường, đang kiểm tra mặt đường.")))
            }
            let changeSet = ChangeSet(deviceId: deviceId, sequence: sequence, baseVersion: cursor, operations: operations)
            let outgoing = OutgoingChangeSet(id: changeSet.id, body: try WireCoding.encode(changeSet), operationCount: operations.count)
            let result = try await pushUntilAnswered(outgoing, failures: &outcome.failures, counters: &counters)
            outcome.pushMicros.append(UInt64(max(0, (ContinuousClock.now - due).seconds * 1_000_000)))
            if let pushEvery { due += pushEvery }
            for answer in result.results {
                if answer.outcome == .rejected { outcome.rejected += 1 } else { outcome.acknowledged.append(answer.operationId) }
            }
            // One page of what the others wrote, between pushes.
            guard pulling else { continue }
            if let page = try? await client.pull(PullRequest(since: cursor, limit: 500), pending: 0, counters: &counters), page.snapshot == nil {
                outcome.pulls += 1
                outcome.entriesPulled += page.changes.count
                cursor = page.nextCursor
            } else {
                outcome.failures += 1
            }
        }
        return outcome
    }

    /// Sends the same bytes until the relay answers: a lost answer is replayed from the relay's stored result.
    private func pushUntilAnswered(_ changeSet: OutgoingChangeSet, failures: inout Int, counters: inout WireCounters) async throws -> PushResult {
        var attempt = 0
        while true {
            do {
                return try await client.push(changeSet, pending: 0, counters: &counters)
            } catch {
                attempt += 1
                failures += 1
                guard attempt < 20 else { throw error }
                try await Task.sleep(for: .milliseconds(50 * attempt))
            }
        }
    }
}
