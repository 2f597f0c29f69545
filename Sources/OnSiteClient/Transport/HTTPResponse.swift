import Foundation

/// A complete HTTP response from ``HTTPTransport``, whatever its status.
public struct HTTPResponse: Sendable {
    /// The status code of the final response, e.g. 200.
    public var status: Int
    /// Header fields with lower-cased names; repeated fields are joined with ", ".
    public var headers: [String: String]
    /// The body, or empty when it went to ``HTTPRequest/downloadPath``.
    public var body: Data
    /// Bytes and time of the exchange.
    public var metrics: TransferMetrics

    /// Makes a response (the transport does; tests may too).
    public init(status: Int, headers: [String: String], body: Data, metrics: TransferMetrics) {
        self.status = status
        self.headers = headers
        self.body = body
        self.metrics = metrics
    }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }
}
