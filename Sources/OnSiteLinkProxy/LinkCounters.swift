/// What crossed a ``LinkProxy``: bytes that entered the link (passed the rate limit) and bytes delivered out of
/// it, per direction. Bytes in flight when a cut comes entered the link but are never delivered.
public struct LinkCounters: Sendable, Hashable {
    /// Client → server.
    public var upstreamSent = 0
    public var upstreamDelivered = 0
    /// Server → client.
    public var downstreamSent = 0
    public var downstreamDelivered = 0
    /// TCP connections the proxy accepted.
    public var connections = 0
    /// Cut events that closed at least one open connection (both ends get a TCP reset).
    public var cuts = 0
    /// Scheduled cut times that found no connection open.
    public var idleCuts = 0

    public init() {}

    /// Every byte that took link time, both directions.
    public var wireBytes: Int { upstreamSent + downstreamSent }
}
