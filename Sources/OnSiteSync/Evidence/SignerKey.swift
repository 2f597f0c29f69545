import Foundation

/// The public key of a device whose signed operations a pull page or an evidence proof carries
/// (`Protocol/evidence.md`, "Keys of the signers"): what a device checks those signatures with.
///
/// ```json
/// {"keyId": "65b60673d6ed884bf01c2c222d82ada0", "deviceId": "dev-lan", "deviceName": "Lò Thị Lan",
///  "publicKey": "ebVWLo/mVPlAeLES6KmLp5AfhTrmlb7X4OORC60ElmQ="}
/// ```
public struct SignerKey: Codable, Sendable, Hashable {
    /// The first 16 bytes of the SHA-256 of the 32-byte public key, in lower-case hex.
    public var keyId: String
    /// The device that registered the key.
    public var deviceId: String
    /// The device's name as the administrator gave it (`onsite-relay device add --name`).
    public var deviceName: String
    /// The 32-byte Ed25519 public key, standard base64 with padding.
    public var publicKey: String

    public init(keyId: String, deviceId: String, deviceName: String, publicKey: String) {
        self.keyId = keyId
        self.deviceId = deviceId
        self.deviceName = deviceName
        self.publicKey = publicKey
    }

    /// The key's 32 bytes, or nil when `publicKey` is not base64 of 32 bytes.
    public var bytes: [UInt8]? {
        guard publicKey.utf8.count == 44, let data = Data(base64Encoded: publicKey), data.count == 32 else { return nil }
        return Array(data)
    }
}

/// Which operations are evidence (`Protocol/evidence.md`, "Evidence records"): on-site verifications, photo
/// records, and workflow steps (a result submitted is one), each tied to the record it adds.
extension SyncOperation {
    /// The kinds whose signed operations devices keep and bundles carry.
    public static let evidenceKinds: [Change.Kind] = [.addVerification, .addAttachment, .transition]

    /// The id of the record this operation adds to a report when it is evidence: the verification's or the
    /// attachment's id, or for a workflow step the operation's own id (the history event it makes has it).
    public var evidenceRecordId: UUID? {
        switch change {
        case .addVerification(let verification): verification.id
        case .addAttachment(let attachment): attachment.id
        case .transition: id
        default: nil
        }
    }
}
