/// Where a sync reports its progress: a line per step of the records' phases, and the photo phase's bytes.
public struct SyncProgress: Sendable {
    public var records: (@Sendable (String) -> Void)?
    public var photos: (@Sendable (PhotoProgress) -> Void)?

    public init(records: (@Sendable (String) -> Void)? = nil, photos: (@Sendable (PhotoProgress) -> Void)? = nil) {
        self.records = records
        self.photos = photos
    }
}
