/// Where this replica stands: the sync status with the photo queue, as `onsite status` shows it.
public struct ClientStatus: Sendable, Hashable, Encodable {
    public var sync: SyncStatus
    public var photos: PhotoQueueStatus

    /// The sync status's keys, with `photos` beside them.
    public func encode(to encoder: any Encoder) throws {
        try sync.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(photos, forKey: .photos)
    }

    private enum Keys: String, CodingKey { case photos }
}
