/// What one sync does beyond push and pull.
public struct SyncOptions: Sendable, Hashable {
    /// Only send; do not fetch (the photo phase still sends the queued photos).
    public var pushOnly = false
    /// Also fetch the photos of the pulled reports, verified by hash (supervisors).
    public var fetchPhotos = false
    /// Bytes per upload chunk, fixed; the relay may cap it. At least 1024. Nil (the default): chunks are sized
    /// to the link, about 2.5 s each (see ``ChunkSizer``).
    public var chunkSize: Int64?
    /// How long the sync keeps going through dropped links (see ``SyncPersistence``); one attempt by default.
    public var persistence = SyncPersistence.once

    public init(pushOnly: Bool = false, fetchPhotos: Bool = false, chunkSize: Int64? = nil,
                persistence: SyncPersistence = .once) {
        self.pushOnly = pushOnly
        self.fetchPhotos = fetchPhotos
        self.chunkSize = chunkSize
        self.persistence = persistence
    }

    /// Checks the options before anything is sent.
    ///
    /// - Throws: ``ClientError/invalidInput(_:)`` when the chunk size is below 1024 bytes or the deadline is negative.
    public func check() throws(ClientError) {
        if let chunkSize, chunkSize < 1024 { throw .invalidInput("--chunk-size must be at least 1024 bytes.") }
        try persistence.check()
    }
}
