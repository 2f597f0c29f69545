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

    public init(changes: [LogEntry], nextCursor: Int64, hasMore: Bool, serverVersion: Int64,
                snapshots: [ReportRecord] = [], evictions: [String] = [], serverTimeMillis: Int64? = nil) {
        self.changes = changes
        self.nextCursor = nextCursor
        self.hasMore = hasMore
        self.serverVersion = serverVersion
        self.snapshots = snapshots
        self.evictions = evictions
        self.serverTimeMillis = serverTimeMillis
    }

    private enum CodingKeys: String, CodingKey {
        case changes, nextCursor, hasMore, serverVersion, snapshots, evictions, serverTimeMillis
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
    }
}
