import Foundation
import GRDB
import OnSiteSync

/// The store's identity: an id made once when the store is created, and an epoch that every restore raises.
/// Devices compare it at each sync (`GET /v1/me`) to notice a relay that lost history.
extension RelayStore {
    /// Relay migration `v7: relay identity`: one row, a new id, epoch 1.
    static func createRelayIdentity(_ db: Database) throws {
        try db.create(table: "relayIdentity") { t in
            t.primaryKey("singleton", .integer).check { $0 == 1 }
            t.column("relayId", .text).notNull()
            t.column("epoch", .integer).notNull().check { $0 >= 1 }
            // When the last restore made this epoch (null for epoch 1).
            t.column("restoredAt", .datetime)
        }
        try db.execute(sql: "INSERT INTO relayIdentity (singleton, relayId, epoch) VALUES (1, ?, 1)",
                       arguments: [UUID().uuidString.lowercased()])
    }

    /// The store's id and epoch.
    public func identity() async throws -> RelayIdentity {
        try await writer.read { db in try Self.identity(db) }
    }

    /// The id, epoch and newest version, read together: what `GET /v1/me` tells a device.
    public func identityAndVersion() async throws -> (RelayIdentity, Int64) {
        try await writer.read { db in (try Self.identity(db), try Self.serverVersion(db)) }
    }

    static func identity(_ db: Database) throws -> RelayIdentity {
        guard let row = try Row.fetchOne(db, sql: "SELECT relayId, epoch FROM relayIdentity WHERE singleton = 1") else {
            throw RelayBackupError.noIdentity
        }
        return RelayIdentity(relayId: row["relayId"], epoch: row["epoch"])
    }

    /// Starts a new epoch after a restore: at least one past both `floor` (the epoch of the store being replaced)
    /// and the restored copy's own, so no epoch a device has seen comes back.
    static func beginEpoch(after floor: Int64, at date: Date, db: Database) throws -> RelayIdentity {
        let current = try identity(db)
        let epoch = max(current.epoch, floor) + 1
        try db.execute(sql: "UPDATE relayIdentity SET epoch = ?, restoredAt = ? WHERE singleton = 1", arguments: [epoch, date])
        return RelayIdentity(relayId: current.relayId, epoch: epoch)
    }
}
