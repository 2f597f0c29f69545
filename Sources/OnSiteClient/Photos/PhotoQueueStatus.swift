/// What `onsite status` says about photos.
public struct PhotoQueueStatus: Sendable, Hashable, Codable {
    public var pendingPhotos = 0
    /// Bytes still to send (the queued photos' lengths minus what the relay confirmed).
    public var pendingBytes: Int64 = 0
    public var failedPhotos = 0

    public init() {}
}
