import CCrypto

/// Cryptographically secure random bytes from OpenSSL's `RAND_bytes`.
///
/// ```swift
/// let salt = try SecureRandom.bytes(count: 16)
/// ```
public enum SecureRandom {
    /// Returns `count` random bytes.
    ///
    /// - Parameter count: How many bytes, 0 or more.
    /// - Throws: ``CryptoError`` if OpenSSL's generator is not seeded or fails.
    public static func bytes(count: Int) throws(CryptoError) -> [UInt8] {
        guard count >= 0, count <= Int(Int32.max) else {
            throw .invalidArgument("Cannot generate \(count) random bytes.")
        }
        var output = [UInt8](repeating: 0, count: count)
        guard count > 0 else { return output }
        let status = output.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(count)) }
        guard status == 1 else { throw .openSSL("generating \(count) random bytes") }
        return output
    }
}
