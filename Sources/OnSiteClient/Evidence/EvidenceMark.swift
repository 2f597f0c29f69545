import Foundation
import OnSiteCore
import OnSiteSync

/// How one piece of a report's evidence stands against the signed operation that added it
/// (`Protocol/evidence.md`, "Marks"): what `onsite show` prints next to it and `show --json` carries.
public struct EvidenceMark: Codable, Sendable, Hashable {
    /// What the evidence is.
    public enum Item: String, Codable, Sendable, Hashable {
        case verification
        case photo
        /// A workflow step in the history (a result submitted is one).
        case step
    }

    /// The outcome of the check.
    public enum State: String, Codable, Sendable, Hashable {
        /// The signature verifies with the signer's key and the record is what was signed.
        case verified
        /// The signature verifies, but the record held differs from what was signed (`fields` says where), or the
        /// photo's bytes the relay served do not hash to the signed SHA-256 (`fields` holds `bytes`).
        case altered
        /// The signature does not verify over the operation: it was changed after it was signed.
        case badSignature = "bad_signature"
        /// Signed with a key this device was never given.
        case unknownKey = "unknown_key"
        /// The operation carries no signature (a device from before signing keys).
        case unsigned
        /// No signed operation is held for it: made here and not yet synced back, or pulled before signatures were kept.
        case notHeld = "not_held"
    }

    public var item: Item
    /// The verification's or photo record's id, or the step's event id.
    public var recordId: UUID
    public var state: State
    /// The device that pushed the operation (from the relay's log).
    public var deviceId: String?
    /// The signer's device name, when its key is known.
    public var deviceName: String?
    public var keyId: String?
    /// The log version of the operation.
    public var version: Int64?
    /// For ``State/altered``: the fields that differ from what was signed (`finding`, `position`, …).
    public var fields: [String]
    /// For a photo whose download was refused: what the bytes the relay served hashed to.
    public var receivedSha256: String?

    public init(item: Item, recordId: UUID, state: State, deviceId: String? = nil, deviceName: String? = nil,
                keyId: String? = nil, version: Int64? = nil, fields: [String] = [], receivedSha256: String? = nil) {
        self.item = item
        self.recordId = recordId
        self.state = state
        self.deviceId = deviceId
        self.deviceName = deviceName
        self.keyId = keyId
        self.version = version
        self.fields = fields
        self.receivedSha256 = receivedSha256
    }

    public var isVerified: Bool { state == .verified }
}
