/// A device's bearer token: `ost_` followed by 43 base64url characters (32 random bytes).
///
/// The relay shows a new token once, stores only ``hashHex``, and compares hashes on each request.
/// `description` is redacted so a token does not end up in logs by accident:
///
/// ```swift
/// let token = try DeviceToken.generate()
/// store(device: id, tokenHash: token.hashHex)
/// show(token.rawValue)                      // once, to the person enrolling the device
/// logger.info("issued \(token)")            // "issued ost_Ab…"
/// ```
public struct DeviceToken: Sendable, Hashable, CustomStringConvertible {
    /// The prefix every token starts with, so a leaked token is recognisable by secret scanners.
    public static let prefix = "ost_"

    /// The number of random bytes in a token.
    public static let randomByteCount = 32

    /// Length of the base64url part: 32 bytes without padding.
    static let encodedLength = 43

    /// The full token text, secret.
    public let rawValue: String

    /// Accepts a token only if it has the prefix and 43 base64url characters.
    public init?(rawValue: String) {
        guard rawValue.hasPrefix(Self.prefix) else { return nil }
        let body = rawValue.utf8.dropFirst(Self.prefix.utf8.count)
        guard body.count == Self.encodedLength, body.allSatisfy(Self.isBase64URL) else { return nil }
        self.rawValue = rawValue
    }

    /// Makes a new random token.
    ///
    /// - Throws: ``CryptoError`` if the random generator fails.
    public static func generate() throws(CryptoError) -> DeviceToken {
        let text = prefix + Encoding.base64URL(try SecureRandom.bytes(count: randomByteCount))
        guard let token = DeviceToken(rawValue: text) else {
            preconditionFailure("a generated token must be well formed")
        }
        return token
    }

    /// The SHA-256 of the token's UTF-8 text, in hexadecimal: what the relay stores.
    public var hashHex: String { Self.hashHex(of: rawValue) }

    /// The SHA-256 hex of any presented token text, well formed or not, for comparison with stored hashes.
    public static func hashHex(of presented: String) -> String {
        SHA256.hash(utf8: presented).hex
    }

    /// The prefix and two characters, then an ellipsis: never the secret.
    public var description: String { String(rawValue.prefix(Self.prefix.count + 2)) + "…" }

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }
}
