import Foundation

/// A device's Ed25519 signature of one operation (`Protocol/evidence.md`): which of the device's registered
/// keys signed, and the 64 signature bytes in standard base64.
///
/// ```json
/// "signature": {"keyId": "9f86d081884c7d659a2feaa0c55ad015", "value": "q1F…Aw=="}
/// ```
public struct OperationSignature: Codable, Sendable, Hashable {
    /// The first 16 bytes of the SHA-256 of the 32-byte public key, in lower-case hex.
    public var keyId: String
    /// The 64-byte signature, standard base64 with padding.
    public var value: String

    public init(keyId: String, value: String) {
        self.keyId = keyId
        self.value = value
    }

    /// The signature's bytes, or nil when `value` is not base64 of 64 bytes.
    public var bytes: [UInt8]? {
        guard value.utf8.count == 88, let data = Data(base64Encoded: value), data.count == 64 else { return nil }
        return Array(data)
    }

    /// Whether `keyId` has the shape of a key id (32 lower-case hex digits).
    public var hasWellFormedKeyId: Bool {
        keyId.utf8.count == 32 && keyId.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

extension SyncOperation {
    /// The domain-separation prefix of every signed operation: the bytes never mean anything else.
    public static let signingContext = Array("OnSite operation signature v1\n".utf8)

    /// The bytes a device signs for this operation: ``signingContext`` followed by the canonical form of the
    /// operation as the wire encodes it, without its `signature` key.
    ///
    /// - Throws: an encoding error when the operation cannot be encoded.
    public func signedBytes() throws -> [UInt8] {
        // One pass over the wire encoder's bytes (no `Decodable` tree): the same bytes, at a fraction of the cost.
        Self.signingContext + (try CanonicalJSON.canonicalBytes(ofJSON: WireCoding.encode(self), omittingTopLevelKey: "signature"))
    }
}
