/// One blob in the upload queue.
public struct PhotoUpload: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable {
        /// Waiting to be sent (maybe partly sent: see ``confirmedOffset``).
        case queued
        /// The relay holds the whole, verified blob.
        case done
        /// The relay refused it for good (see ``lastError``); it is not retried.
        case failed
    }

    public var sha256: String
    public var byteCount: Int64
    public var contentType: String
    public var fileName: String
    public var reportId: String
    public var state: State
    /// The offset the relay last confirmed.
    public var confirmedOffset: Int64
    public var lastError: String?
}
