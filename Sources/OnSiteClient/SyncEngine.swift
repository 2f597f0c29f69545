import Foundation
import Logging
import OnSiteSync

/// What one sync did.
public struct SyncReport: Sendable, Hashable {
    public var changeSetsPushed = 0
    public var operationsPushed = 0
    public var operationsApplied = 0
    public var replayedChangeSets = 0
    public var rejected: [OperationResult] = []
    public var entriesPulled = 0
    /// Whole records received: snapshot pages and reports that entered this device's scope.
    public var recordsPulled = 0
    public var pagesPulled = 0
    public var cursor: Int64 = 0
    public var push = WireCounters()
    public var pull = WireCounters()
    public var pushSeconds = 0.0
    public var pullSeconds = 0.0
    /// The photo phase: uploads (and downloads with `onsite sync --photos`).
    public var photos = PhotoSyncReport()
    /// Passes a persistent sync ran (1 without a dropped link), and the dropped links it went through.
    public var attempts = 0
    public var linkDrops = 0
    /// What was left to send when the sync ended.
    public var pendingAfter = PendingWork()
    /// Set when the relay was found to have lost history (a restore) and the sent journal went again.
    public var relayRecovery: RelayRecovery?

    public init() {}
}

/// Pushes the outbox in frozen change sets, then pulls every page since the cursor.
///
/// Safe to interrupt anywhere: a change set is frozen before its first send and leaves the outbox
/// only when acknowledged in the same transaction that merges its result; a pulled page and the
/// cursor move together.
public struct SyncEngine: Sendable {
    public let replica: Replica
    public var changeSetSize: Int = 200
    public var pageSize: Int = 500
    public var logger: Logger?
    /// Whether the device registers its key and signs what it sends (`Protocol/evidence.md`); off only to measure
    /// the cost of signatures (`onsite-bench --signatures off`).
    public var signsOperations = true

    public init(replica: Replica, logger: Logger? = nil) {
        self.replica = replica
        self.logger = logger
    }

    /// The relay client for this replica's enrolment.
    public func makeClient(transport: TransportConfiguration? = nil) async throws -> RelayClient {
        guard let enrolment = try await replica.enrolment() else { throw ClientError.notEnrolled }
        return RelayClient(baseURL: enrolment.relayURL, token: enrolment.token, caCertificatePath: enrolment.caCertificatePath, transport: transport)
    }

    /// One full sync: push everything queued, pull everything new (unless ``SyncOptions/pushOnly``), then send
    /// the queued photos (records first: a big photo never holds them back) and pull once more if a photo
    /// completed, then fetch the photos of the pulled reports when ``SyncOptions/fetchPhotos`` asks.
    ///
    /// Photos travel over the relay's HTTP upload endpoints only: over another connection (an in-process relay
    /// in tests) the photo phases are skipped and the photos stay queued.
    public func sync(client: some RelayConnection, options: SyncOptions = SyncOptions(), progress: SyncProgress = SyncProgress()) async throws -> SyncReport {
        try options.check()
        var report = SyncReport()
        try await sync(client: client, options: options, progress: progress, into: &report)
        report.attempts = 1
        report.pendingAfter = try await replica.pendingWork()
        return report
    }

    /// One pass of ``sync(client:options:progress:)``, adding to `report` (a persistent sync's passes add up).
    public func sync(client: some RelayConnection, options: SyncOptions, progress: SyncProgress, into report: inout SyncReport) async throws {
        try await checkRelayIdentity(client: client, into: &report)
        try await push(client: client, into: &report, progress: progress.records)
        if !options.pushOnly { try await pull(client: client, into: &report, progress: progress.records) }
        guard let http = client as? RelayClient else { return }
        try await uploadPhotos(client: http, chunkSize: options.chunkSize, into: &report, progress: progress.photos)
        if options.fetchPhotos, !options.pushOnly {
            try await downloadPhotos(client: http, into: &report, progress: progress.records)
        }
    }

    public func push(client: some RelayConnection, into report: inout SyncReport, progress: (@Sendable (String) -> Void)? = nil) async throws {
        let start = ContinuousClock.now
        defer { report.pushSeconds += (ContinuousClock.now - start).seconds }
        try await registerDeviceKey(client: client)
        var restamped = Set<UUID>()
        // Counted once, then kept by subtraction: a count of a long outbox per change set is what a push must not do.
        var pending = try await replica.pendingOperationCount()
        while let changeSet = try await replica.nextChangeSet(limit: changeSetSize) {
            let result: PushResult
            do {
                result = try await client.push(changeSet, pending: pending, counters: &report.push)
            } catch let error as ClientError where error.relayCode == .stampInFuture && !restamped.contains(changeSet.id) {
                // This device's clock ran ahead when the operations were made. A pull measures the relay's
                // time again; the operations then take stamps from it and go once more (nothing was applied).
                restamped.insert(changeSet.id)
                try await pull(client: client, into: &report, progress: progress)
                let count = try await replica.restampFrozenChangeSet()
                pending = try await replica.pendingOperationCount()
                logger?.notice("re-stamped a change set the relay found ahead of its clock", metadata: [
                    "sync.changeSet": .string(changeSet.id.uuidString), "sync.operations": .stringConvertible(count),
                ])
                continue
            }
            try await replica.acknowledge(result)
            pending = max(0, pending - changeSet.operationCount)
            report.changeSetsPushed += 1
            report.operationsPushed += changeSet.operationCount
            report.operationsApplied += result.appliedCount
            report.rejected += result.rejected
            if result.replayed { report.replayedChangeSets += 1 }
            logger?.debug("pushed", metadata: ["sync.changeSet": .string(changeSet.id.uuidString), "sync.version": .stringConvertible(result.serverVersion)])
            progress?("pushed \(report.operationsPushed) operation(s) in \(report.changeSetsPushed) change set(s)")
        }
    }

    public func pull(client: some RelayConnection, into report: inout SyncReport, progress: (@Sendable (String) -> Void)? = nil) async throws {
        let start = ContinuousClock.now
        defer { report.pullSeconds += (ContinuousClock.now - start).seconds }
        var cursor = try await replica.cursor()
        // A pull does not change what is queued.
        let pending = try await replica.pendingOperationCount()
        while true {
            // A snapshot in progress (a first pull, or a cursor the relay no longer keeps) goes on where it stopped.
            let request = PullRequest(since: cursor, limit: pageSize, snapshot: try await replica.snapshotInProgress())
            let page = try await client.pull(request, pending: pending, counters: &report.pull)
            try await replica.apply(page)
            report.pagesPulled += 1
            report.entriesPulled += page.changes.count
            report.recordsPulled += page.snapshots.count
            if let snapshot = page.snapshot, !snapshot.isComplete {
                // The cursor waits for the snapshot's end.
                progress?("pulled \(report.recordsPulled) report(s) of a snapshot at version \(snapshot.version)")
            } else {
                cursor = page.nextCursor
                progress?("pulled \(report.entriesPulled) change(s) and \(report.recordsPulled) whole report(s), cursor \(cursor) of \(page.serverVersion)")
            }
            if !page.hasMore { break }
        }
        report.cursor = cursor
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
