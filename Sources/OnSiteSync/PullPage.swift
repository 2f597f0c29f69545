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

    public init(changes: [LogEntry], nextCursor: Int64, hasMore: Bool, serverVersion: Int64) {
        self.changes = changes
        self.nextCursor = nextCursor
        self.hasMore = hasMore
        self.serverVersion = serverVersion
    }
}
