/// What one sync did, in the flat form `onsite sync --json` prints and scripts read.
public struct SyncSummary: Codable, Sendable, Hashable {
    public var changeSetsPushed: Int
    public var operationsPushed: Int
    public var operationsApplied: Int
    /// Change sets the relay had already received (a lost answer, sent again).
    public var replayed: Int
    /// Operations the relay refused.
    public var rejected: Int
    public var entriesPulled: Int
    /// Whole reports received: a snapshot (first pull, or after the relay's log moved past this replica's
    /// cursor) and reports that entered this device's units.
    public var recordsPulled: Int
    public var cursor: Int64
    public var photosCompleted: Int
    public var photosDeduplicated: Int
    public var photoBytesSent: Int64
    public var photosFailed: Int
    public var photosDeferred: Int
    /// The largest offset a photo upload resumed from (0 when none resumed).
    public var photosResumedFrom: Int64
    public var photosDownloaded: Int
    public var photoBytesDownloaded: Int64
    /// Bytes of the photo requests, headers included.
    public var photoRequestBytesSent: Int
    public var photoMillis: Int
    /// TCP and TLS connections the whole sync opened (1 when the relay keeps the connection alive).
    public var connections: Int
    /// Passes the sync ran, and the dropped links it went through (it retries with backoff).
    public var attempts: Int
    public var linkDrops: Int
    /// What is left to send (0 when the work is done: exit 0; else `onsite sync` exits 75).
    public var pendingChanges: Int
    public var pendingPhotos: Int
    public var pendingPhotoBytes: Int64
    /// The sentence saying the relay lost history and what was sent again (absent when it did not).
    public var relayRecovery: String?

    public init(_ report: SyncReport) {
        relayRecovery = report.relayRecovery?.sentence
        changeSetsPushed = report.changeSetsPushed
        operationsPushed = report.operationsPushed
        operationsApplied = report.operationsApplied
        replayed = report.replayedChangeSets
        rejected = report.rejected.count
        entriesPulled = report.entriesPulled
        recordsPulled = report.recordsPulled
        cursor = report.cursor
        photosCompleted = report.photos.completed
        photosDeduplicated = report.photos.deduplicated
        photoBytesSent = report.photos.bytesSent
        photosFailed = report.photos.failed.count
        photosDeferred = report.photos.deferred.count
        photosResumedFrom = report.photos.resumedFrom.values.max() ?? 0
        photosDownloaded = report.photos.downloaded
        photoBytesDownloaded = report.photos.downloadedBytes
        photoRequestBytesSent = report.photos.counters.bytesSent
        photoMillis = Int(report.photos.seconds * 1000)
        connections = report.push.connections + report.pull.connections + report.photos.counters.connections
        attempts = report.attempts
        linkDrops = report.linkDrops
        pendingChanges = report.pendingAfter.changes
        pendingPhotos = report.pendingAfter.photos
        pendingPhotoBytes = report.pendingAfter.photoBytes
    }
}
