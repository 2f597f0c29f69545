/// The 32-byte result of a SHA-256 computation.
///
/// ```swift
/// let digest = SHA256.hash(Data("abc".utf8))
/// digest.hex  // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// ```
public struct SHA256Digest: Sendable, Hashable, CustomStringConvertible {
    /// The raw 32 bytes.
    public let bytes: [UInt8]

    init(bytes: [UInt8]) {
        precondition(bytes.count == SHA256.byteCount, "a SHA-256 digest has 32 bytes")
        self.bytes = bytes
    }

    /// Lower-case hexadecimal, 64 characters.
    public var hex: String { Encoding.hex(bytes) }

    /// The same as ``hex``.
    public var description: String { hex }
}
