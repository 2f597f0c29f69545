import Foundation

/// How the relay treats connections: a cap, an idle timeout, TCP keepalive (`connections` in the relay's JSON).
///
/// ```json
/// {"connections": {"maxConnections": 512, "idleTimeoutSeconds": 30, "tcpKeepAliveSeconds": 60}}
/// ```
/// Any key left out keeps its default.
public struct ConnectionLimits: Codable, Sendable, Hashable {
    /// Open connections at most. At the cap a new connection closes the connection idle longest (no request in
    /// progress); when every connection is in a request, the new one is closed. 1 … 100,000.
    public var maxConnections: Int = 512
    /// A connection that sends nothing for this long is closed: before its first request, between requests,
    /// and in the middle of a request's headers or body (a photo chunk cut silently is then discarded and
    /// its upload let go). 1 … 3,600.
    public var idleTimeoutSeconds: Double = 30
    /// TCP keepalive: the first probe after this many silent seconds (then every 10 s, 3 probes); 0 turns it
    /// off. 0 … 7,200.
    public var tcpKeepAliveSeconds: Int = 60

    public init() {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ConnectionLimits()
        maxConnections = try container.decodeIfPresent(Int.self, forKey: .maxConnections) ?? defaults.maxConnections
        idleTimeoutSeconds = try container.decodeIfPresent(Double.self, forKey: .idleTimeoutSeconds) ?? defaults.idleTimeoutSeconds
        tcpKeepAliveSeconds = try container.decodeIfPresent(Int.self, forKey: .tcpKeepAliveSeconds) ?? defaults.tcpKeepAliveSeconds
    }

    /// Checks each bound.
    func validate() throws(RelayConfigurationError) {
        guard (1...100_000).contains(maxConnections) else {
            throw RelayConfigurationError("`connections.maxConnections` must be 1 to 100000, not \(maxConnections).")
        }
        guard idleTimeoutSeconds.isFinite, (1...3_600).contains(idleTimeoutSeconds) else {
            throw RelayConfigurationError("`connections.idleTimeoutSeconds` must be 1 to 3600 seconds, not \(idleTimeoutSeconds).")
        }
        guard (0...7_200).contains(tcpKeepAliveSeconds) else {
            throw RelayConfigurationError("`connections.tcpKeepAliveSeconds` must be 0 (off) to 7200, not \(tcpKeepAliveSeconds).")
        }
    }
}
