/// Where a sync reports its progress: a line per step of the records' phases, and the photo phase's bytes.
public struct SyncProgress: Sendable {
    public var records: (@Sendable (String) -> Void)?
    public var photos: (@Sendable (PhotoProgress) -> Void)?
    /// A dropped link, before the persistent sync waits and tries again.
    public var retries: (@Sendable (SyncRetry) -> Void)?

    public init(records: (@Sendable (String) -> Void)? = nil, photos: (@Sendable (PhotoProgress) -> Void)? = nil,
                retries: (@Sendable (SyncRetry) -> Void)? = nil) {
        self.records = records
        self.photos = photos
        self.retries = retries
    }
}
