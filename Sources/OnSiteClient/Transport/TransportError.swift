/// Why an HTTP exchange did not produce a response.
///
/// The description is a sentence for the person at the device; ``kind`` is for code that decides what to do:
///
/// ```swift
/// do { response = try await transport.send(request) }
/// catch where error.kind == .tlsVerificationFailed { show(error.description); stopSyncing() }
/// catch where error.isRetryable { scheduleRetry() }
/// ```
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A category of ``TransportError``, compared with `==`. New kinds may be added.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// Name resolution or connection failed: nothing was sent.
        public static let unreachable = Kind("unreachable")
        /// The connect timeout, total timeout or low-speed limit was hit.
        public static let timedOut = Kind("timedOut")
        /// The server's certificate is not trusted or does not name the host.
        public static let tlsVerificationFailed = Kind("tlsVerificationFailed")
        /// Another TLS failure (handshake, protocol, cipher).
        public static let tlsOther = Kind("tlsOther")
        /// A plain `http://` request was answered in TLS: the address should say `https://`.
        public static let plainHTTPToTLS = Kind("plainHTTPToTLS")
        /// The pinned CA file cannot be read or holds no certificate.
        public static let caFileUnreadable = Kind("caFileUnreadable")
        /// The connection dropped during the transfer.
        public static let interrupted = Kind("interrupted")
        /// The task was cancelled.
        public static let cancelled = Kind("cancelled")
        /// A local file (request body or download target) could not be read or written.
        public static let localFile = Kind("localFile")
        /// The response body exceeded ``TransportConfiguration/maxInMemoryResponseBytes``.
        public static let responseTooLarge = Kind("responseTooLarge")
        /// The request itself is malformed (bad URL, header with a line break).
        public static let invalidRequest = Kind("invalidRequest")
        /// Any other libcurl failure.
        public static let other = Kind("other")
        /// The kind's name.
        public var description: String { name }
    }

    private enum Code: Equatable, Sendable {
        case unreachable(url: String, detail: String)
        case timedOut(url: String, detail: String)
        case tlsVerificationFailed(url: String, caPath: String?, detail: String)
        case tlsOther(url: String, detail: String)
        case plainHTTPAnsweredWithTLS(url: String, detail: String)
        case caFileUnreadable(path: String, reason: String)
        case interrupted(url: String, detail: String)
        case cancelled(url: String)
        case localFile(path: String, action: String, reason: String)
        case responseTooLarge(url: String, limit: Int)
        case invalidRequest(String)
        case other(url: String, curlCode: Int, message: String, detail: String)
    }

    private let code: Code

    private init(_ code: Code) { self.code = code }

    static func unreachable(_ url: String, detail: String) -> Self { Self(.unreachable(url: url, detail: detail)) }
    static func timedOut(_ url: String, detail: String) -> Self { Self(.timedOut(url: url, detail: detail)) }
    static func tlsVerificationFailed(_ url: String, caPath: String?, detail: String) -> Self {
        Self(.tlsVerificationFailed(url: url, caPath: caPath, detail: detail))
    }
    static func tlsOther(_ url: String, detail: String) -> Self { Self(.tlsOther(url: url, detail: detail)) }
    static func plainHTTPAnsweredWithTLS(_ url: String, detail: String) -> Self { Self(.plainHTTPAnsweredWithTLS(url: url, detail: detail)) }
    static func caFileUnreadable(_ path: String, reason: String) -> Self {
        Self(.caFileUnreadable(path: path, reason: reason))
    }
    static func interrupted(_ url: String, detail: String) -> Self { Self(.interrupted(url: url, detail: detail)) }
    static func cancelled(_ url: String) -> Self { Self(.cancelled(url: url)) }
    static func localFile(_ path: String, action: String, reason: String) -> Self {
        Self(.localFile(path: path, action: action, reason: reason))
    }
    static func responseTooLarge(_ url: String, limit: Int) -> Self { Self(.responseTooLarge(url: url, limit: limit)) }
    static func invalidRequest(_ message: String) -> Self { Self(.invalidRequest(message)) }
    static func other(_ url: String, curlCode: Int, message: String, detail: String) -> Self {
        Self(.other(url: url, curlCode: curlCode, message: message, detail: detail))
    }

    /// The category, for decisions in code.
    public var kind: Kind {
        switch code {
        case .unreachable: .unreachable
        case .timedOut: .timedOut
        case .tlsVerificationFailed: .tlsVerificationFailed
        case .tlsOther: .tlsOther
        case .plainHTTPAnsweredWithTLS: .plainHTTPToTLS
        case .caFileUnreadable: .caFileUnreadable
        case .interrupted: .interrupted
        case .cancelled: .cancelled
        case .localFile: .localFile
        case .responseTooLarge: .responseTooLarge
        case .invalidRequest: .invalidRequest
        case .other: .other
        }
    }

    /// Whether trying again later may succeed without anyone changing anything
    /// (unreachable, timed out, interrupted).
    public var isRetryable: Bool {
        [Kind.unreachable, .timedOut, .interrupted].contains(kind)
    }

    /// A sentence a person can act on.
    public var description: String {
        switch code {
        case .unreachable(let url, let detail):
            "Cannot reach \(url) (\(detail)). Check the address and the network; nothing was sent."
        case .timedOut(let url, let detail):
            "The exchange with \(url) timed out (\(detail)). The link may be too slow; it will be retried."
        case .tlsVerificationFailed(let url, let caPath, let detail):
            Self.verificationSentence(url: url, caPath: caPath, detail: detail)
        case .tlsOther(let url, let detail):
            "The secure connection to \(url) failed (\(detail))."
        case .plainHTTPAnsweredWithTLS(let url, let detail):
            "\(url) answered a plain HTTP request in TLS (\(detail)): use its https:// address."
        case .caFileUnreadable(let path, let reason):
            "Cannot use the pinned CA file \(path): \(reason). Copy the relay's ca.pem there again."
        case .interrupted(let url, let detail):
            "The connection to \(url) dropped during the transfer (\(detail)). It will be retried."
        case .cancelled(let url):
            "The transfer with \(url) was cancelled."
        case .localFile(let path, let action, let reason):
            "Cannot \(action) \(path): \(reason)."
        case .responseTooLarge(let url, let limit):
            "The response from \(url) is larger than the \(limit)-byte limit for responses kept in memory."
        case .invalidRequest(let message):
            message
        case .other(let url, let curlCode, let message, let detail):
            "The exchange with \(url) failed: curl error \(curlCode) (\(message))"
                + (detail.isEmpty || detail == message ? "." : ": \(detail).")
        }
    }

    private static func verificationSentence(url: String, caPath: String?, detail: String) -> String {
        if detail.contains("subject name") || detail.contains("does not match") {
            return "Refusing to talk to \(url): the relay's certificate is not valid for this host name (\(detail))."
                + " Use the name or address the certificate was made for."
        }
        if let caPath {
            return "Refusing to talk to \(url): the relay's certificate is not signed by the CA you pinned "
                + "(\(caPath)). Check that the device has this relay's ca.pem (\(detail))."
        }
        return "Refusing to talk to \(url): the relay's certificate is not trusted by this system (\(detail))."
            + " Pin the relay's ca.pem in the client configuration."
    }
}

extension TransportError {
    /// The URL of the failed exchange (empty for a malformed request).
    public var url: String {
        switch code {
        case .unreachable(let url, _), .timedOut(let url, _), .tlsVerificationFailed(let url, _, _), .tlsOther(let url, _),
             .plainHTTPAnsweredWithTLS(let url, _), .interrupted(let url, _), .cancelled(let url), .responseTooLarge(let url, _), .other(let url, _, _, _):
            url
        case .caFileUnreadable, .localFile, .invalidRequest:
            ""
        }
    }

    /// Whether a plain `http://` request was answered with TLS bytes (or closed at once by a TLS server):
    /// the address should say `https://`. The plain request carried no body of value and nothing was applied.
    public var isPlainHTTPToTLS: Bool {
        kind == .plainHTTPToTLS
    }
}
