import Synchronization

/// How a client picks its upload chunks: a fixed length (`onsite sync --chunk-size`), or sized to the link.
///
/// One per ``RelayClient`` (shared by its copies), so what a sync learnt of the link carries over the retries
/// of one `onsite sync` run. A chunk cut by a dropped link shrinks the next ones only when the relay lost it:
/// a relay that keeps the bytes of a cut chunk (see `Protocol/uploads.md`) answers the next create with an
/// offset past the chunk's start, and then the cut cost only the bytes in flight, whatever the chunk's size.
public final class ChunkSizing: Sendable {
    private struct State {
        var sizer: ChunkSizer
        /// A chunk cut by a dropped link, until the relay says whether it kept its bytes.
        var unresolvedCut: (sha256: String, offset: Int64)?
    }

    private let state: Mutex<State>
    /// A fixed length, or nil when chunks follow the link.
    public let fixed: Int64?

    /// Chunks sized to the link, starting from `sizer`.
    public init(adaptive sizer: ChunkSizer = ChunkSizer()) {
        state = Mutex(State(sizer: sizer))
        fixed = nil
    }

    /// Chunks of `bytes` (the relay may cap them).
    public init(fixed bytes: Int64) {
        state = Mutex(State(sizer: ChunkSizer()))
        fixed = bytes
    }

    /// The length of the next chunk (before the relay's cap, which ``UploadStateMachine`` applies).
    public var next: Int64 { fixed ?? state.withLock { $0.sizer.next } }
    /// The throughput measured so far, in bytes per second.
    public var throughput: Double? { state.withLock { $0.sizer.throughput } }

    func limit(to maxChunkBytes: Int?) {
        guard let maxChunkBytes else { return }
        state.withLock { $0.sizer.limit(to: Int64(maxChunkBytes)) }
    }

    func accepted(bytes: Int64, seconds: Double) { state.withLock { $0.sizer.accepted(bytes: bytes, seconds: seconds) } }

    /// A dropped link cut the chunk of `sha256` that started at `offset`.
    func cut(_ sha256: String, at offset: Int64) { state.withLock { $0.unresolvedCut = (sha256, offset) } }

    /// The relay says where the upload of `sha256` stands: a cut chunk whose bytes it did not keep halves the size.
    func resume(_ sha256: String, relayOffset: Int64) {
        state.withLock { state in
            guard let cut = state.unresolvedCut else { return }
            state.unresolvedCut = nil
            if cut.sha256 == sha256, relayOffset <= cut.offset { state.sizer.cut() }
        }
    }
}
