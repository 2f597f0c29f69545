/// Sizes upload chunks to the link, as a pure value: measured throughput in, the next chunk's length out.
///
/// A chunk should take about ``targetSeconds`` on the wire: long enough that the round trip between chunks
/// costs little, short enough that a link which stays up only a few seconds still carries whole chunks. The
/// size grows at most ×2 after each chunk the relay accepted (towards throughput × target), halves after a
/// chunk a dropped link cut, and stays within [``floor``, ``ceiling``] (the ceiling is also capped by the
/// relay's `maxChunkBytes`). No clock inside: the caller passes the seconds each chunk took.
///
/// ```swift
/// var sizer = ChunkSizer()
/// sizer.accepted(bytes: 65_536, seconds: 2.1)   // ~31 KB/s: the next chunk aims at ~94 KB
/// sizer.cut()                                   // the link dropped: half of that
/// ```
public struct ChunkSizer: Sendable, Hashable {
    /// The smallest chunk (a few round trips' worth of headers is tolerable against it).
    public let floor: Int64
    /// The largest chunk this client sends.
    public private(set) var ceiling: Int64
    /// How long a chunk should take on the wire.
    public let targetSeconds: Double
    /// The length of the next chunk.
    public private(set) var next: Int64
    /// Bytes per second, smoothed over the chunks accepted so far (nil before the first).
    public private(set) var throughput: Double?

    /// - Parameters:
    ///   - initial: the first chunk's length, before anything is measured; 64 KiB (2 s at 256 kbit/s).
    ///   - floor: 16 KiB by default.
    ///   - ceiling: 8 MiB by default.
    ///   - targetSeconds: 2.5 s by default.
    public init(initial: Int64 = 64 << 10, floor: Int64 = 16 << 10, ceiling: Int64 = 8 << 20, targetSeconds: Double = 2.5) {
        precondition(floor > 0 && floor <= ceiling && targetSeconds > 0, "a chunk sizer needs 0 < floor ≤ ceiling")
        self.floor = floor
        self.ceiling = ceiling
        self.targetSeconds = targetSeconds
        next = min(max(initial, floor), ceiling)
    }

    /// The relay's `maxChunkBytes` lowers the ceiling.
    public mutating func limit(to maxChunkBytes: Int64) {
        guard maxChunkBytes > 0 else { return }
        ceiling = max(1, min(ceiling, maxChunkBytes))
        next = min(next, ceiling)
    }

    /// A chunk of `bytes` was accepted after `seconds` on the wire.
    public mutating func accepted(bytes: Int64, seconds: Double) {
        guard bytes > 0, seconds > 0 else { return }
        let measured = Double(bytes) / seconds
        let smoothed = throughput.map { 0.5 * $0 + 0.5 * measured } ?? measured
        throughput = smoothed
        let wanted = Int64(min(smoothed * targetSeconds, Double(Int64.max / 4)))
        next = clamp(min(wanted, next * 2))
    }

    /// A dropped link cut the chunk in flight.
    public mutating func cut() {
        next = clamp(next / 2)
    }

    private func clamp(_ value: Int64) -> Int64 { min(max(value, min(floor, ceiling)), ceiling) }
}
