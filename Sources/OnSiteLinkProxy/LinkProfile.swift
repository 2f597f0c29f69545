/// What a ``LinkProxy`` does to the bytes it forwards: a rate limit (both directions, each on its own), an
/// added one-way delay, and cuts of every open connection at seeded random intervals.
///
/// ```swift
/// let link = LinkProfile(bytesPerSecond: LinkProfile.bytesPerSecond(kilobits: 256), delay: .milliseconds(300), cutEvery: 2...10)
/// ```
public struct LinkProfile: Sendable, Hashable, CustomStringConvertible {
    /// Bytes per second in each direction (a token bucket per direction, shared by the connections); nil: no limit.
    public var bytesPerSecond: Int?
    /// The largest burst the token bucket lets through at once; nil: a tenth of a second's worth (at least 4 KiB).
    public var burstBytes: Int?
    /// Added to every byte's trip, each way.
    public var delay: Duration
    /// Seconds between two cuts, drawn uniformly in this range; nil: the link never drops by itself.
    public var cutEvery: ClosedRange<Double>?
    /// Seeds the cut times, so a run can be repeated.
    public var seed: UInt64

    public init(bytesPerSecond: Int? = nil, burstBytes: Int? = nil, delay: Duration = .zero,
                cutEvery: ClosedRange<Double>? = nil, seed: UInt64 = 1) {
        self.bytesPerSecond = bytesPerSecond
        self.burstBytes = burstBytes
        self.delay = delay
        self.cutEvery = cutEvery
        self.seed = seed
    }

    /// A perfect link: bytes pass as they come (cuts only on demand, ``LinkProxy/cut(afterUpstreamBytes:)``).
    public static let perfect = LinkProfile()

    /// The bad field link: 256 kbit/s, 300 ms each way, the connection cut every 2 to 10 s.
    public static let fieldDay = LinkProfile(bytesPerSecond: bytesPerSecond(kilobits: 256), delay: .milliseconds(300), cutEvery: 2...10)

    /// Kilobits per second (1000 bits) as bytes per second.
    public static func bytesPerSecond(kilobits: Int) -> Int { kilobits * 1000 / 8 }

    public var description: String {
        var parts: [String] = []
        parts.append(bytesPerSecond.map { "\($0 * 8 / 1000) kbit/s" } ?? "no rate limit")
        let millis = delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000
        parts.append("\(millis) ms each way")
        if let cutEvery {
            parts.append("cut every \(Self.seconds(cutEvery.lowerBound))–\(Self.seconds(cutEvery.upperBound)) s (seed \(seed))")
        }
        return parts.joined(separator: ", ")
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
