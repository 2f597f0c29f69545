import Foundation

/// One HTTP request for ``HTTPTransport``.
///
/// ```swift
/// var request = HTTPRequest(method: .put, url: "https://relay.local:8443/v1/photos/42")
/// request.headers = [("Authorization", "Bearer \(token)"), ("Content-Type", "image/jpeg")]
/// request.body = .file(path: photoPath, offset: resumeAt)
/// ```
public struct HTTPRequest: Sendable {
    /// An HTTP method.
    public enum Method: String, Sendable, Hashable {
        case get = "GET", head = "HEAD", post = "POST", put = "PUT", patch = "PATCH", delete = "DELETE"
    }

    /// Where the request body comes from.
    public enum Body: Sendable, Hashable {
        /// No body. `POST`, `PUT`, `PATCH` and `DELETE` then send `Content-Length: 0`.
        case none
        /// Bytes in memory.
        case data(Data)
        /// `length` bytes of a file from `offset` (to the end of the file when `length` is nil),
        /// streamed in small reads: the file is never loaded whole into memory.
        case file(path: String, offset: UInt64 = 0, length: UInt64? = nil)
    }

    /// The method; `GET` by default.
    public var method: Method
    /// An absolute `https://` (or loopback `http://`) URL.
    public var url: String
    /// Header fields, sent in order. `Content-Length` is set by the transport from the body.
    public var headers: [(name: String, value: String)]
    /// The body; none by default.
    public var body: Body
    /// When set, a 2xx response body is written to this file (through `path.partial`, renamed when the transfer
    /// completes) instead of memory, and ``HTTPResponse/body`` is empty. Other statuses keep their body in memory.
    public var downloadPath: String?

    /// Makes a request.
    public init(
        method: Method = .get,
        url: String,
        headers: [(name: String, value: String)] = [],
        body: Body = .none,
        downloadPath: String? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.downloadPath = downloadPath
    }
}
