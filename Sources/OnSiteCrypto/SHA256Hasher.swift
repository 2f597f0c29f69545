import CCrypto
import Foundation

/// An incremental SHA-256 computation over an OpenSSL `EVP_MD_CTX`.
///
/// Feed it in any number of pieces, then call ``finalize()`` once:
///
/// ```swift
/// let hasher = SHA256Hasher()
/// for chunk in chunks { hasher.update(chunk) }
/// let digest = hasher.finalize()
/// ```
///
/// Not `Sendable`: one hasher belongs to one task at a time.
public final class SHA256Hasher {
    private let context: OpaquePointer
    private var isFinalized = false

    /// Starts a new computation.
    ///
    /// Traps only if OpenSSL cannot allocate its context (out of memory).
    public init() {
        guard let context = EVP_MD_CTX_new() else {
            preconditionFailure("EVP_MD_CTX_new failed: out of memory")
        }
        guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            preconditionFailure("EVP_DigestInit_ex(SHA-256) failed: \(CryptoError.drainOpenSSLErrors())")
        }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds bytes to the computation. Calling it after ``finalize()`` is a programming error.
    public func update(bytes: UnsafeRawBufferPointer) {
        precondition(!isFinalized, "SHA256Hasher.update called after finalize()")
        guard bytes.count > 0 else { return }
        let status = EVP_DigestUpdate(context, bytes.baseAddress, bytes.count)
        precondition(status == 1, "EVP_DigestUpdate failed: \(CryptoError.drainOpenSSLErrors())")
    }

    /// Adds `data` to the computation.
    public func update(_ data: Data) {
        data.withUnsafeBytes { update(bytes: $0) }
    }

    /// Adds a byte array to the computation.
    public func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update(bytes: $0) }
    }

    /// Ends the computation and returns the digest. Call it once.
    public func finalize() -> SHA256Digest {
        precondition(!isFinalized, "SHA256Hasher.finalize called twice")
        isFinalized = true
        var output = [UInt8](repeating: 0, count: SHA256.byteCount)
        var length: UInt32 = 0
        let status = EVP_DigestFinal_ex(context, &output, &length)
        precondition(status == 1 && length == SHA256.byteCount, "EVP_DigestFinal_ex failed: \(CryptoError.drainOpenSSLErrors())")
        return SHA256Digest(bytes: output)
    }
}
