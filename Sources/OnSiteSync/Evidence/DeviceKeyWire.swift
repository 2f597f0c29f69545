import Foundation

/// `POST /v1/keys`: a device registers the public half of its Ed25519 key (`Protocol/evidence.md`).
///
/// ```json
/// {"publicKey": "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="}
/// ```
public struct DeviceKeyRegistration: Codable, Sendable, Hashable {
    /// The 32-byte Ed25519 public key, standard base64 with padding.
    public var publicKey: String

    public init(publicKey: String) {
        self.publicKey = publicKey
    }

    /// The key's 32 bytes, or nil when `publicKey` is not base64 of 32 bytes.
    public var bytes: [UInt8]? {
        guard publicKey.utf8.count == 44, let data = Data(base64Encoded: publicKey), data.count == 32 else { return nil }
        return Array(data)
    }
}

/// The relay's answer to a key registration: the key's id and since when the relay holds it.
public struct RegisteredDeviceKey: Codable, Sendable, Hashable {
    public var deviceId: String
    public var keyId: String
    public var registeredAt: Date

    public init(deviceId: String, keyId: String, registeredAt: Date) {
        self.deviceId = deviceId
        self.keyId = keyId
        self.registeredAt = registeredAt
    }
}
