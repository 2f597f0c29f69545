import Foundation
import OnSiteCrypto
import OnSiteSync
import PostgresNIO

/// The devices' signing keys (`Protocol/evidence.md`), as ``RelayStore`` keeps them.
extension PostgresRelayStore: RelayDeviceKeyStorage {
    public func registerKey(_ registration: DeviceKeyRegistration, for deviceId: String, at date: Date) async throws -> RegisteredDeviceKey {
        let (key, bytes) = try DeviceKeyRules.key(of: registration)
        let keyId = key.keyId
        return try await withTransaction("register key \(keyId) of device \(deviceId)") { connection in
            // One device's registrations one at a time, so the count below holds until commit.
            try await connection.query("SELECT id FROM device WHERE id = \(deviceId) FOR UPDATE", logger: logger)
            if let owner = try await keyOwner(keyId, connection) {
                guard owner.deviceId == deviceId else { throw DeviceKeyRules.ownedByAnother(keyId) }
                return owner
            }
            var count = 0
            for try await value in try await connection.query("SELECT count(*) FROM device_key WHERE device_id = \(deviceId)", logger: logger)
                .decode(Int64.self) { count = Int(value) }
            guard count < DeviceKeyRules.maxKeysPerDevice else { throw DeviceKeyRules.tooMany(deviceId, count: count) }
            // Another device registering the same key at this instant (it cannot hold this device's private key,
            // but may send its public one) loses on the unique key: it is then told the key is taken.
            let inserted = try await connection.query("""
                INSERT INTO device_key (key_id, device_id, public_key, registered_at) VALUES (\(keyId), \(deviceId), \(Data(bytes)), \(date))
                ON CONFLICT DO NOTHING RETURNING key_id
                """, logger: logger)
            var stored = false
            for try await _ in inserted.decode(String.self) { stored = true }
            if stored { return RegisteredDeviceKey(deviceId: deviceId, keyId: keyId, registeredAt: date) }
            guard let owner = try await keyOwner(keyId, connection), owner.deviceId == deviceId else {
                throw DeviceKeyRules.ownedByAnother(keyId)
            }
            return owner
        }
    }

    public func deviceKeys() async throws -> [DeviceKeyEntry] {
        try await withConnection("read the device keys") { connection in try await deviceKeys(connection) }
    }

    /// Every registered device key, oldest first, on `connection` (inside the caller's transaction, if any).
    func deviceKeys(_ connection: PostgresConnection) async throws -> [DeviceKeyEntry] {
        var entries: [DeviceKeyEntry] = []
        let rows = try await connection.query(
            "SELECT key_id, device_id, public_key, registered_at FROM device_key ORDER BY registered_at, key_id", logger: logger)
        for try await (keyId, deviceId, bytes, registeredAt) in rows.decode((String, String, Data, Date).self) {
            guard let key = try? Ed25519PublicKey(rawRepresentation: Array(bytes)) else {
                throw PostgresStoreError.corrupt("device key \(keyId) is not 32 bytes", at: location)
            }
            entries.append(DeviceKeyEntry(keyId: keyId, deviceId: deviceId, publicKey: key, registeredAt: registeredAt))
        }
        return entries
    }

    private func keyOwner(_ keyId: String, _ connection: PostgresConnection) async throws -> RegisteredDeviceKey? {
        var owner: RegisteredDeviceKey?
        let rows = try await connection.query("SELECT device_id, registered_at FROM device_key WHERE key_id = \(keyId)", logger: logger)
        for try await (deviceId, registeredAt) in rows.decode((String, Date).self) {
            owner = RegisteredDeviceKey(deviceId: deviceId, keyId: keyId, registeredAt: registeredAt)
        }
        return owner
    }
}
