/// What one sync does beyond push and pull.
public struct SyncOptions: Sendable, Hashable {
    /// Only send; do not fetch (the photo phase still sends the queued photos).
    public var pushOnly = false
    /// Also fetch the photos of the pulled reports, verified by hash (supervisors).
    public var fetchPhotos = false
    /// Bytes per upload chunk; the relay may cap it. At least 1024.
    public var chunkSize: Int64 = 1 << 20

    public init(pushOnly: Bool = false, fetchPhotos: Bool = false, chunkSize: Int64 = 1 << 20) {
        self.pushOnly = pushOnly
        self.fetchPhotos = fetchPhotos
        self.chunkSize = chunkSize
    }

    /// Checks the options before anything is sent.
    ///
    /// - Throws: ``ClientError/invalidInput(_:)`` when the chunk size is below 1024 bytes.
    public func check() throws(ClientError) {
        if chunkSize < 1024 { throw .invalidInput("--chunk-size must be at least 1024 bytes.") }
    }
}
