/// Progress of a transfer in flight, reported by ``HTTPTransport/send(_:progress:)``.
///
/// Totals are 0 while unknown. Body bytes only.
public struct TransferProgress: Sendable, Hashable {
    /// Request body bytes sent so far.
    public var bytesSent: Int64
    /// Request body size, or 0 if unknown.
    public var totalBytesToSend: Int64
    /// Response body bytes received so far.
    public var bytesReceived: Int64
    /// Response body size announced by the server, or 0 if unknown.
    public var totalBytesToReceive: Int64

    /// Makes a progress value.
    public init(bytesSent: Int64, totalBytesToSend: Int64, bytesReceived: Int64, totalBytesToReceive: Int64) {
        self.bytesSent = bytesSent
        self.totalBytesToSend = totalBytesToSend
        self.bytesReceived = bytesReceived
        self.totalBytesToReceive = totalBytesToReceive
    }
}
