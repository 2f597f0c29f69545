import CCrypto
import Foundation

/// An Ed25519 signing key (RFC 8032): 32 secret bytes, the seed. Signatures are deterministic, so the same
/// key and message always give the same 64 bytes; golden vectors are exact.
///
/// ```swift
/// let key = try Ed25519PrivateKey.generate()
/// let signature = try key.sign(Array("message".utf8))
/// try key.publicKey.isValidSignature(signature, for: Array("message".utf8))  // true
/// ```
public struct Ed25519PrivateKey: Sendable, Hashable {
    /// The 32-byte seed: keep it secret (the replica stores it in its 0600 database file).
    public let rawRepresentation: [UInt8]
    /// The 32-byte public key that goes with the seed.
    public let publicKey: Ed25519PublicKey

    /// A key from its 32-byte seed.
    ///
    /// - Throws: ``CryptoError`` when the seed is not 32 bytes or OpenSSL refuses it.
    public init(rawRepresentation seed: [UInt8]) throws(CryptoError) {
        guard seed.count == Ed25519.keyByteCount else {
            throw .invalidArgument("An Ed25519 private key is 32 bytes; got \(seed.count).")
        }
        let key = try Ed25519.privateKey(seed)
        defer { EVP_PKEY_free(key) }
        var length = Ed25519.keyByteCount
        var publicBytes = [UInt8](repeating: 0, count: length)
        guard EVP_PKEY_get_raw_public_key(key, &publicBytes, &length) == 1, length == Ed25519.keyByteCount else {
            throw .openSSL("deriving the Ed25519 public key")
        }
        self.rawRepresentation = seed
        self.publicKey = try Ed25519PublicKey(rawRepresentation: publicBytes)
    }

    /// A new key from the operating system's random source.
    public static func generate() throws(CryptoError) -> Ed25519PrivateKey {
        try Ed25519PrivateKey(rawRepresentation: SecureRandom.bytes(count: Ed25519.keyByteCount))
    }

    /// The 64-byte Ed25519 signature of `message`.
    public func sign(_ message: [UInt8]) throws(CryptoError) -> [UInt8] {
        ERR_clear_error()
        let key = try Ed25519.privateKey(rawRepresentation)
        defer { EVP_PKEY_free(key) }
        guard let context = EVP_MD_CTX_new() else { throw .openSSL("allocating a signing context") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, nil, nil, key) == 1 else { throw .openSSL("starting an Ed25519 signature") }
        var length = Ed25519.signatureByteCount
        var signature = [UInt8](repeating: 0, count: length)
        let status = message.withUnsafeBufferPointer { bytes in
            EVP_DigestSign(context, &signature, &length, bytes.baseAddress, bytes.count)
        }
        guard status == 1, length == Ed25519.signatureByteCount else { throw .openSSL("making an Ed25519 signature") }
        return signature
    }
}

/// An Ed25519 public key: 32 bytes, checks signatures.
public struct Ed25519PublicKey: Sendable, Hashable {
    public let rawRepresentation: [UInt8]

    /// - Throws: ``CryptoError`` when the bytes are not 32 long.
    public init(rawRepresentation: [UInt8]) throws(CryptoError) {
        guard rawRepresentation.count == Ed25519.keyByteCount else {
            throw .invalidArgument("An Ed25519 public key is 32 bytes; got \(rawRepresentation.count).")
        }
        self.rawRepresentation = rawRepresentation
    }

    /// The key's short name: the first 16 bytes of the SHA-256 of its 32 bytes, in lower-case hex (32 characters).
    public var keyId: String { Encoding.hex(SHA256.hash(rawRepresentation).bytes.prefix(16)) }

    /// Whether `signature` is this key's Ed25519 signature of `message`. A malformed signature is simply not valid.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == Ed25519.signatureByteCount else { return false }
        ERR_clear_error()
        guard let key = rawRepresentation.withUnsafeBufferPointer({
            EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, $0.baseAddress, $0.count)
        }) else { return false }
        defer { EVP_PKEY_free(key) }
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, nil, nil, key) == 1 else { return false }
        let status = signature.withUnsafeBufferPointer { sig in
            message.withUnsafeBufferPointer { bytes in
                EVP_DigestVerify(context, sig.baseAddress, sig.count, bytes.baseAddress, bytes.count)
            }
        }
        ERR_clear_error()
        return status == 1
    }
}

/// Sizes and the shared OpenSSL step of ``Ed25519PrivateKey`` and ``Ed25519PublicKey``.
public enum Ed25519 {
    public static let keyByteCount = 32
    public static let signatureByteCount = 64

    /// An `EVP_PKEY` for a seed; the caller frees it.
    static func privateKey(_ seed: [UInt8]) throws(CryptoError) -> OpaquePointer {
        ERR_clear_error()
        guard let key = seed.withUnsafeBufferPointer({
            EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, $0.baseAddress, $0.count)
        }) else { throw .openSSL("loading an Ed25519 private key") }
        return key
    }
}
