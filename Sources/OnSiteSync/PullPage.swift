import Foundation

/// One accepted operation in the relay's log.
public struct LogEntry: Codable, Sendable, Hashable {
    /// The server version the operation got: one increasing sequence for the whole relay.
    public var version: Int64
    /// The device that pushed it.
    public var deviceId: String
    public var operation: SyncOperation

    public init(version: Int64, deviceId: String, operation: SyncOperation) {
        self.version = version
        self.deviceId = deviceId
        self.operation = operation
    }
}

/// A page of `changes since V` for the caller's scope.
public struct PullPage: Codable, Sendable, Hashable {
    /// Entries with versions in (since, nextCursor], in version order.
    public var changes: [LogEntry]
    /// The cursor to pull from next; everything up to it that the caller may see is in this or an earlier page.
    public var nextCursor: Int64
    /// More entries are waiting past `nextCursor`.
    public var hasMore: Bool
    /// The relay's newest version when the page was read.
    public var serverVersion: Int64
    /// Whole reports that entered the caller's scope since `since` (reassigned to one of its units): their
    /// history from before the cursor was never sent, so the state comes whole (backfill).
    public var snapshots: [ReportRecord]
    /// Reports that left the caller's scope since `since`: the replica drops them, keeping its own unsynced
    /// operations, which are still delivered.
    public var evictions: [String]
    /// The relay's clock when the page was read, in milliseconds since 1970: devices steer their hybrid
    /// clocks by it, so a device clock that is off by hours does not decide who wins.
    public var serverTimeMillis: Int64?
    /// Present on the pages of a snapshot pull: where the snapshot stands. Its `snapshots` are then the
    /// current records of the caller's scope, in report id order, each complete through ``serverVersion``.
    public var snapshot: SnapshotPosition?
    /// The signed operations that added the evidence of this page's `snapshots` (verifications, photo records,
    /// workflow steps), as the log still holds them: a record carries no signatures (`Protocol/evidence.md`).
    public var evidence: [LogEntry]
    /// The public keys of the devices whose signatures are on this page (in `changes` and `evidence`), with
    /// their names: only keys of operations the caller is served.
    public var signers: [SignerKey]

    public init(changes: [LogEntry], nextCursor: Int64, hasMore: Bool, serverVersion: Int64,
                snapshots: [ReportRecord] = [], evictions: [String] = [], serverTimeMillis: Int64? = nil,
                snapshot: SnapshotPosition? = nil, evidence: [LogEntry] = [], signers: [SignerKey] = []) {
        self.changes = changes
        self.nextCursor = nextCursor
        self.hasMore = hasMore
        self.serverVersion = serverVersion
        self.snapshots = snapshots
        self.evictions = evictions
        self.serverTimeMillis = serverTimeMillis
        self.snapshot = snapshot
        self.evidence = evidence
        self.signers = signers
    }

    private enum CodingKeys: String, CodingKey {
        case changes, nextCursor, hasMore, serverVersion, snapshots, evictions, serverTimeMillis, snapshot, evidence, signers
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        changes = try container.decode([LogEntry].self, forKey: .changes)
        nextCursor = try container.decode(Int64.self, forKey: .nextCursor)
        hasMore = try container.decode(Bool.self, forKey: .hasMore)
        serverVersion = try container.decode(Int64.self, forKey: .serverVersion)
        snapshots = try container.decodeIfPresent([ReportRecord].self, forKey: .snapshots) ?? []
        evictions = try container.decodeIfPresent([String].self, forKey: .evictions) ?? []
        serverTimeMillis = try container.decodeIfPresent(Int64.self, forKey: .serverTimeMillis)
        snapshot = try container.decodeIfPresent(SnapshotPosition.self, forKey: .snapshot)
        evidence = try container.decodeIfPresent([LogEntry].self, forKey: .evidence) ?? []
        signers = try container.decodeIfPresent([SignerKey].self, forKey: .signers) ?? []
    }

    /// Omits the keys that carry nothing (empty lists, no snapshot), keeping pages compact.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(changes, forKey: .changes)
        try container.encode(nextCursor, forKey: .nextCursor)
        try container.encode(hasMore, forKey: .hasMore)
        try container.encode(serverVersion, forKey: .serverVersion)
        if !snapshots.isEmpty { try container.encode(snapshots, forKey: .snapshots) }
        if !evictions.isEmpty { try container.encode(evictions, forKey: .evictions) }
        try container.encodeIfPresent(serverTimeMillis, forKey: .serverTimeMillis)
        try container.encodeIfPresent(snapshot, forKey: .snapshot)
        if !evidence.isEmpty { try container.encode(evidence, forKey: .evidence) }
        if !signers.isEmpty { try container.encode(signers, forKey: .signers) }
    }
}

/// Where a snapshot pull stands: the version it started at and the last report it served.
///
/// A snapshot serves the current records of the caller's scope in report id order, a page at a time. Each
/// record is complete through the ``PullPage/serverVersion`` of the page that carried it (at least
/// ``version``). When ``isComplete``, the page's `nextCursor` is ``version`` and the device goes on with
/// changes since it: entries it already holds in a snapshot record are skipped by version.
public struct SnapshotPosition: Codable, Sendable, Hashable {
    /// The relay's newest version when the snapshot began.
    public var version: Int64
    /// The id of the last report served so far (nil before the first).
    public var after: String?
    /// Every record of the scope has been served.
    public var isComplete: Bool

    public init(version: Int64, after: String?, isComplete: Bool) {
        self.version = version
        self.after = after
        self.isComplete = isComplete
    }

    private enum CodingKeys: String, CodingKey {
        case version, after, isComplete = "complete"
    }
}

/// What a device asks of `GET /v1/changes`.
public struct PullRequest: Sendable, Hashable {
    /// The device's cursor: the newest version it holds everything up to.
    public var since: Int64
    /// The most entries (or records) in the page.
    public var limit: Int
    /// The snapshot in progress, to continue it (from the previous page's ``PullPage/snapshot``).
    public var snapshot: SnapshotPosition?

    public init(since: Int64, limit: Int, snapshot: SnapshotPosition? = nil) {
        self.since = since
        self.limit = limit
        self.snapshot = snapshot
    }

    /// The request's query string, without the `?`.
    public var query: String {
        var items = "since=\(since)&limit=\(limit)"
        if let snapshot, !snapshot.isComplete {
            items += "&snapshot=\(snapshot.version)"
            if let after = snapshot.after, let escaped = after.addingPercentEncoding(withAllowedCharacters: .alphanumerics) {
                items += "&after=\(escaped)"
            }
        }
        return items
    }
}

extension SnapshotPosition {
    /// Whether `after` can name a report: an identifier of at most `limits.maxIdentifierLength` ASCII bytes.
    public static func isReportIdentifier(_ after: String, limits: SyncLimits) -> Bool {
        WireText.isIdentifier(after, limit: limits.maxIdentifierLength)
    }
}
