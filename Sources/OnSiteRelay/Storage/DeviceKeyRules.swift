import Foundation
import OnSiteCrypto
import OnSiteSync

/// What every store checks when a device registers a key, and the sentences it refuses with.
enum DeviceKeyRules {
    /// The most keys one device may register (each re-enrolment adds one): a bound on a device's writes.
    static var maxKeysPerDevice: Int { RelayStore.maxKeysPerDevice }

    /// The registration's key.
    /// - Throws: ``RelayError`` `invalid_key` when it is not a 32-byte Ed25519 key in standard base64.
    static func key(of registration: DeviceKeyRegistration) throws(RelayError) -> (key: Ed25519PublicKey, bytes: [UInt8]) {
        guard let bytes = registration.bytes, let key = try? Ed25519PublicKey(rawRepresentation: bytes) else {
            throw RelayError(.unprocessableContent, code: .invalidKey,
                             message: "`publicKey` must be a 32-byte Ed25519 public key in standard base64 (44 characters); nothing was registered.")
        }
        return (key, bytes)
    }

    static func ownedByAnother(_ keyId: String) -> RelayError {
        RelayError(.unprocessableContent, code: .invalidKey,
                   message: "Key \(keyId) is registered to another device; a device makes its own key (`onsite enroll` does). Nothing was registered.")
    }

    static func tooMany(_ deviceId: String, count: Int) -> RelayError {
        RelayError(.unprocessableContent, code: .invalidKey,
                   message: "Device \(deviceId) already registered \(count) keys, the most a device may; add a new device with `onsite-relay device add` instead.")
    }
}
