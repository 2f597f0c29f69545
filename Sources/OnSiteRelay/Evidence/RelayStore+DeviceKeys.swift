import Foundation
import GRDB
import OnSiteCrypto
import OnSiteSync

extension RelayStore {
    /// The most keys one device may register (each re-enrolment adds one): a bound on a device's writes.
    public static let maxKeysPerDevice = 32

    /// Registers a device's Ed25519 public key; registering the same key again returns the stored entry.
    ///
    /// - Throws: ``RelayError`` `invalid_key` (422) when the key is not 32 bytes, belongs to another device, or
    ///   the device already holds ``maxKeysPerDevice`` keys. Nothing is stored then.
    public func registerKey(_ registration: DeviceKeyRegistration, for deviceId: String, at date: Date = Date()) async throws -> RegisteredDeviceKey {
        let (key, bytes) = try DeviceKeyRules.key(of: registration)
        return try await writer.write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT deviceId, registeredAt FROM deviceKey WHERE keyId = ?", arguments: [key.keyId]) {
                guard row["deviceId"] as String == deviceId else { throw DeviceKeyRules.ownedByAnother(key.keyId) }
                return RegisteredDeviceKey(deviceId: deviceId, keyId: key.keyId, registeredAt: row["registeredAt"])
            }
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM deviceKey WHERE deviceId = ?", arguments: [deviceId]) ?? 0
            guard count < Self.maxKeysPerDevice else { throw DeviceKeyRules.tooMany(deviceId, count: count) }
            try db.execute(sql: "INSERT INTO deviceKey (keyId, deviceId, publicKey, registeredAt) VALUES (?, ?, ?, ?)",
                           arguments: [key.keyId, deviceId, Data(bytes), date])
            return RegisteredDeviceKey(deviceId: deviceId, keyId: key.keyId, registeredAt: date)
        }
    }

    /// Every key the relay holds, by device: what `audit` and evidence bundles check signatures with.
    public func deviceKeys() async throws -> [DeviceKeyEntry] {
        try await writer.read { db in try DeviceKeyEntry.fetchAll(db) }
    }
}

/// One registered device key as the relay stores it.
public struct DeviceKeyEntry: Sendable, Hashable {
    public var keyId: String
    public var deviceId: String
    public var publicKey: Ed25519PublicKey
    public var registeredAt: Date

    static func fetchAll(_ db: Database, deviceId: String? = nil) throws -> [DeviceKeyEntry] {
        let rows = try deviceId.map {
            try Row.fetchAll(db.cachedStatement(sql: "SELECT keyId, deviceId, publicKey, registeredAt FROM deviceKey WHERE deviceId = ?"), arguments: [$0])
        } ?? Row.fetchAll(db, sql: "SELECT keyId, deviceId, publicKey, registeredAt FROM deviceKey ORDER BY registeredAt, keyId")
        return try rows.map { row in
            let bytes: Data = row["publicKey"]
            guard let key = try? Ed25519PublicKey(rawRepresentation: Array(bytes)) else {
                throw RelayError(.internalServerError, code: .corruptStore,
                                 message: "Device key \(row["keyId"] as String) in the relay's database is not 32 bytes; run `onsite-relay audit`.")
            }
            return DeviceKeyEntry(keyId: row["keyId"], deviceId: row["deviceId"], publicKey: key, registeredAt: row["registeredAt"])
        }
    }
}

/// The keys of the devices one push touches, read once per device, and the check of each operation's signature.
struct DeviceKeyCache {
    private var keys: [String: [String: Ed25519PublicKey]] = [:]

    /// The refusal of an operation whose signature is missing or wrong; nil when it verifies, or when the device
    /// never registered a key (devices enrolled before signatures, `Protocol/evidence.md`, "Old devices").
    mutating func refusal(of operation: SyncOperation, deviceId: String, db: Database) throws -> ErrorDetail? {
        if keys[deviceId] == nil {
            keys[deviceId] = Dictionary(uniqueKeysWithValues: try DeviceKeyEntry.fetchAll(db, deviceId: deviceId).map { ($0.keyId, $0.publicKey) })
        }
        let known = keys[deviceId] ?? [:]
        return Self.refusal(of: operation, keys: known)
    }

    /// The same check against a given set of keys (by key id): shared by the push and by `audit`.
    static func refusal(of operation: SyncOperation, keys: [String: Ed25519PublicKey]) -> ErrorDetail? {
        let what = "\(operation.change.kind.rawValue) \(operation.id) on report \(operation.reportId)"
        guard let signature = operation.signature else {
            guard keys.isEmpty else {
                return ErrorDetail(code: .missingSignature,
                                   message: "This device registered a signing key, but \(what) carries no signature; it was not applied. Update the app and sync again.")
            }
            return nil
        }
        guard let key = keys[signature.keyId] else {
            return ErrorDetail(code: .badSignature,
                               message: "\(what) is signed with key \(signature.keyId.prefix(32)), which this device never registered; it was not applied. Sync again so the app registers its key.")
        }
        guard let bytes = signature.bytes, let message = try? operation.signedBytes(), key.isValidSignature(bytes, for: message) else {
            return ErrorDetail(code: .badSignature,
                               message: "The signature of \(what) does not match its content: the record changed after it was signed. It was not applied.")
        }
        return nil
    }
}
