/// The resumable upload of one blob, as a pure state machine: events in, the next action out.
///
/// No I/O and no clock: ``PhotoUploader`` performs each action and feeds back what the relay answered. The
/// relay's offset is always the truth: the machine sends from the offset the relay reported last, so after a
/// dropped link at most the one chunk in flight is sent again.
///
/// ```swift
/// var upload = UploadStateMachine(byteCount: 3_000_000, chunkSize: 1 << 20)
/// var action = upload.start()                             // .create
/// action = upload.created(offset: 1_048_576, complete: false)   // .sendChunk(offset: 1_048_576, length: 1_048_576)
/// ```
public struct UploadStateMachine: Sendable, Hashable {
    /// What the caller does next.
    public enum Action: Sendable, Hashable {
        /// `POST /v1/uploads`: create or find the upload and learn the relay's offset.
        case create
        /// `PATCH` `length` bytes from `offset`, with their checksum.
        case sendChunk(offset: Int64, length: Int64)
        /// The relay holds the whole blob; `sentBytes` chunk bytes were accepted in this run.
        case finished(sentBytes: Int64)
        /// Give up on this blob for this run (the reason is for people).
        case stop(reason: String)
    }

    private enum State: Sendable, Hashable {
        case idle
        case creating
        case sending(offset: Int64, length: Int64)
        case finished
        case stopped
    }

    public let byteCount: Int64
    /// The length of the chunks to come (the relay's `maxChunkBytes` caps it); a caller that sizes chunks to the
    /// link changes it between events.
    public var chunkSize: Int64 {
        didSet { chunkSize = max(1, chunkSize) }
    }
    /// Checksum refusals tolerated on one chunk before giving up.
    public var maxChecksumRetries = 2
    /// Restarts from 0 (`upload_restarted`) tolerated in one run before giving up for this run.
    public var maxRestarts = 2
    private var restarts = 0
    private var state: State = .idle
    private var checksumFailures = 0
    /// Chunk bytes the relay accepted in this run.
    public private(set) var sentBytes: Int64 = 0
    /// The offset the relay reported when the upload was created or found (where this run resumed).
    public private(set) var resumedFrom: Int64?

    public init(byteCount: Int64, chunkSize: Int64) {
        precondition(byteCount > 0 && chunkSize > 0, "an upload has bytes and chunks")
        self.byteCount = byteCount
        self.chunkSize = chunkSize
    }

    /// The offset the next chunk starts at, while sending.
    public var offset: Int64? {
        if case .sending(let offset, _) = state { return offset }
        return nil
    }

    /// Begins: ask the relay.
    public mutating func start() -> Action {
        state = .creating
        return .create
    }

    /// The relay created or found the upload (or already holds the blob).
    public mutating func created(offset: Int64, complete: Bool, maxChunkBytes: Int? = nil) -> Action {
        guard case .creating = state else { return invalid("created") }
        resumedFrom = complete ? byteCount : offset
        return next(offset: offset, complete: complete, limit: maxChunkBytes)
    }

    /// The relay accepted a chunk and now holds `offset` bytes.
    public mutating func chunkAccepted(offset: Int64, complete: Bool) -> Action {
        guard case .sending(let sent, let length) = state else { return invalid("chunkAccepted") }
        if offset == sent + length { sentBytes += length }
        checksumFailures = 0
        return next(offset: offset, complete: complete, limit: nil)
    }

    /// The relay refused the chunk's offset (409) and holds `relayOffset` bytes: send from there.
    public mutating func offsetMismatch(relayOffset: Int64) -> Action {
        guard case .sending = state else { return invalid("offsetMismatch") }
        return next(offset: relayOffset, complete: false, limit: nil)
    }

    /// The relay emptied the upload (409 `upload_restarted`: bytes it kept from cut chunks failed the whole-file
    /// hash): send the file again from 0, a few times per run.
    public mutating func restarted() -> Action {
        guard case .sending = state else { return invalid("restarted") }
        restarts += 1
        guard restarts <= maxRestarts else {
            state = .stopped
            return .stop(reason: "the relay had to restart this upload \(restarts) times; the local copy or the link may be damaging bytes")
        }
        return next(offset: 0, complete: false, limit: nil)
    }

    /// The relay discarded the chunk because its checksum did not match (460): send it again, a few times.
    public mutating func checksumMismatch() -> Action {
        guard case .sending(let offset, let length) = state else { return invalid("checksumMismatch") }
        checksumFailures += 1
        guard checksumFailures <= maxChecksumRetries else {
            state = .stopped
            return .stop(reason: "the chunk at offset \(offset) failed its checksum \(checksumFailures) times; the local copy may be damaged")
        }
        return .sendChunk(offset: offset, length: length)
    }

    private var chunkLimit: Int64 = .max

    private mutating func next(offset: Int64, complete: Bool, limit: Int?) -> Action {
        if let limit, limit > 0 { chunkLimit = Int64(limit) }
        if complete || offset == byteCount {
            state = .finished
            return .finished(sentBytes: sentBytes)
        }
        guard offset >= 0, offset < byteCount else {
            state = .stopped
            return .stop(reason: "the relay reported offset \(offset) for a blob of \(byteCount) bytes")
        }
        let length = min(chunkSize, chunkLimit, byteCount - offset)
        state = .sending(offset: offset, length: length)
        return .sendChunk(offset: offset, length: length)
    }

    private mutating func invalid(_ event: String) -> Action {
        let previous = state
        state = .stopped
        return .stop(reason: "unexpected \(event) in state \(previous)")
    }
}
