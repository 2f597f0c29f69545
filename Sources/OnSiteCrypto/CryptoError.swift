import CCrypto
import Foundation

/// An error from a cryptographic operation or from the files it reads and writes.
///
/// The description says what was being done and, for OpenSSL failures, carries OpenSSL's own error text:
///
/// ```swift
/// do { _ = try PilotTLSMaterial.make(forHost: "relay.local", in: "/etc/onsite/tls") }
/// catch { logger.error("\(error)") }  // "Cannot write /etc/onsite/tls/key.pem: Permission denied."
/// ```
public struct CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    private enum Code: Equatable, Sendable {
        case openSSL(operation: String, detail: String)
        case fileUnreadable(path: String, reason: String)
        case fileUnwritable(path: String, reason: String)
        case invalidHost(String)
        case invalidArgument(String)
    }

    private let code: Code

    private init(code: Code) { self.code = code }

    /// An OpenSSL call failed; `detail` is OpenSSL's error queue text.
    static func openSSL(_ operation: String) -> Self {
        Self(code: .openSSL(operation: operation, detail: drainOpenSSLErrors()))
    }

    /// A file could not be opened or read.
    static func fileUnreadable(_ path: String, errno code: Int32) -> Self {
        Self(code: .fileUnreadable(path: path, reason: String(cString: strerror(code))))
    }

    /// A file or directory could not be created or written.
    static func fileUnwritable(_ path: String, errno code: Int32) -> Self {
        Self(code: .fileUnwritable(path: path, reason: String(cString: strerror(code))))
    }

    /// A file or directory could not be created, with a reason from Foundation.
    static func fileUnwritable(_ path: String, reason: String) -> Self {
        Self(code: .fileUnwritable(path: path, reason: reason))
    }

    /// A host name or address that cannot go into a certificate.
    static func invalidHost(_ host: String) -> Self { Self(code: .invalidHost(host)) }

    /// An argument outside its documented range.
    static func invalidArgument(_ message: String) -> Self { Self(code: .invalidArgument(message)) }

    /// A sentence a person can act on.
    public var description: String {
        switch code {
        case .openSSL(let operation, let detail):
            detail.isEmpty
                ? "OpenSSL failed while \(operation)."
                : "OpenSSL failed while \(operation): \(detail)."
        case .fileUnreadable(let path, let reason):
            "Cannot read \(path): \(reason)."
        case .fileUnwritable(let path, let reason):
            "Cannot write \(path): \(reason)."
        case .invalidHost(let host):
            "\"\(host)\" is not a host name or IP address that can go into a certificate "
                + "(use letters, digits, '-' and '.', or an IPv4/IPv6 address)."
        case .invalidArgument(let message):
            message
        }
    }

    /// Empties this thread's OpenSSL error queue and returns its entries joined with "; ".
    static func drainOpenSSLErrors() -> String {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(Encoding.string(fromCString: buffer))
        }
        return messages.joined(separator: "; ")
    }
}
