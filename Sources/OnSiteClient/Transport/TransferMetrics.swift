/// What one exchange cost on the wire, for data-budget accounting on metered links.
///
/// Counts are HTTP bytes (request line, header fields and body), not TLS or TCP overhead.
public struct TransferMetrics: Sendable, Hashable {
    /// Request header bytes plus request body bytes sent.
    public var bytesSent: Int64
    /// Response header bytes plus response body bytes received.
    public var bytesReceived: Int64
    /// From the start of name resolution to the end of the transfer.
    public var totalTime: Duration
    /// Connections the exchange had to open (0 when it reused one the transport kept alive): each is a TCP
    /// and TLS handshake, several round trips on a slow link.
    public var newConnections: Int

    /// Makes metrics.
    public init(bytesSent: Int64, bytesReceived: Int64, totalTime: Duration, newConnections: Int = 1) {
        self.bytesSent = bytesSent
        self.bytesReceived = bytesReceived
        self.totalTime = totalTime
        self.newConnections = newConnections
    }
}
