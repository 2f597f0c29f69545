import Foundation
import GRDB
import OnSiteCrypto
import OnSiteSync

/// This device's Ed25519 key for one enrolment (`Protocol/evidence.md`): the seed stays in the replica's
/// database (a 0600 file); the public half is registered with the relay.
public struct DeviceSigningKey: Sendable, Hashable {
    public var privateKey: Ed25519PrivateKey
    public var deviceId: String
    /// When the relay confirmed the key; operations are signed only from then on.
    public var registeredAt: Date?

    public init(privateKey: Ed25519PrivateKey, deviceId: String, registeredAt: Date?) {
        self.privateKey = privateKey
        self.deviceId = deviceId
        self.registeredAt = registeredAt
    }

    public var keyId: String { privateKey.publicKey.keyId }

    /// The operation with this key's signature.
    public func signed(_ operation: SyncOperation) throws -> SyncOperation {
        var signed = operation
        signed.signature = nil
        let signature = try privateKey.sign(try signed.signedBytes())
        signed.signature = OperationSignature(keyId: keyId, value: Data(signature).base64EncodedString())
        return signed
    }
}

extension Replica {
    /// Migration `v6: device key`: one row per key this replica made, for the device and relay it was made for.
    static func migrateDeviceKey(_ db: Database) throws {
        try db.create(table: "deviceKey") { t in
            t.primaryKey("keyId", .text)
            t.column("deviceId", .text).notNull()
            t.column("relayURL", .text).notNull()
            t.column("seed", .blob).notNull()
            t.column("createdAt", .datetime).notNull()
            t.column("registeredAt", .datetime)
        }
    }

    /// The key of the current enrolment, made now if it has none yet (nil when not enrolled).
    public func currentDeviceKey() async throws -> DeviceSigningKey? {
        try await writer.write { db in
            guard let enrolment = try setting(.enrolment, as: Enrolment.self, db) else { return nil }
            if let key = try deviceKey(for: enrolment, db) { return key }
            let key = try Ed25519PrivateKey.generate()
            try db.execute(sql: "INSERT INTO deviceKey (keyId, deviceId, relayURL, seed, createdAt) VALUES (?, ?, ?, ?, ?)",
                           arguments: [key.publicKey.keyId, enrolment.profile.deviceId, enrolment.relayURL, Data(key.rawRepresentation), clock()])
            return DeviceSigningKey(privateKey: key, deviceId: enrolment.profile.deviceId, registeredAt: nil)
        }
    }

    /// Notes that the relay holds the key: operations are signed with it from now on.
    public func markKeyRegistered(_ keyId: String, at date: Date) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE deviceKey SET registeredAt = ? WHERE keyId = ?", arguments: [date, keyId])
        }
    }

    /// The newest key made for this enrolment's device and relay.
    func deviceKey(for enrolment: Enrolment, _ db: Database) throws -> DeviceSigningKey? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT seed, registeredAt FROM deviceKey WHERE deviceId = ? AND relayURL = ? ORDER BY createdAt DESC, rowid DESC LIMIT 1
            """), arguments: [enrolment.profile.deviceId, enrolment.relayURL]) else { return nil }
        let key = try Ed25519PrivateKey(rawRepresentation: Array(row["seed"] as Data))
        return DeviceSigningKey(privateKey: key, deviceId: enrolment.profile.deviceId, registeredAt: row["registeredAt"])
    }

    /// The key operations are signed with: this enrolment's, once the relay registered it.
    func registeredSigningKey(_ db: Database) throws -> DeviceSigningKey? {
        guard let enrolment = try setting(.enrolment, as: Enrolment.self, db),
              let key = try deviceKey(for: enrolment, db), key.registeredAt != nil else { return nil }
        return key
    }
}
