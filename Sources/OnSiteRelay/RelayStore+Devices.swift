import Foundation
import GRDB
import OnSiteSync

// MARK: - Last seen, rotation

extension RelayStore {
    /// Records that a device made an authenticated request at `date`.
    public func noteSeen(_ deviceId: String, at date: Date) async throws {
        try await commits.write { db in
            try db.execute(
                sql: "INSERT INTO deviceSeen (deviceId, lastSeenAt) VALUES (?, ?) ON CONFLICT(deviceId) DO UPDATE SET lastSeenAt = excluded.lastSeenAt",
                arguments: [deviceId, date])
        }
    }

    /// When each device was last seen (devices never seen are absent).
    public func lastSeen() async throws -> [String: Date] {
        try await writer.read { db in
            var seen: [String: Date] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT deviceId, lastSeenAt FROM deviceSeen") {
                seen[row["deviceId"]] = row["lastSeenAt"]
            }
            return seen
        }
    }

    /// Devices not revoked that made a request since `date`.
    public func activeDeviceCount(since date: Date) async throws -> Int {
        try await writer.read { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM deviceSeen JOIN device ON device.id = deviceSeen.deviceId
                WHERE device.revokedAt IS NULL AND deviceSeen.lastSeenAt >= ?
                """, arguments: [date]) ?? 0
        }
    }

    /// Gives a device a new token hash and retires the old one (its requests are then refused with
    /// `token_rotated`). The device keeps its id, so its replica's pending work still belongs to it.
    ///
    /// - Returns: the device, or nil when there is no such device.
    /// - Throws: ``RelayError`` when the device is revoked (rotate a revoked device? enrol a new one instead).
    public func rotateToken(of deviceId: String, newTokenHash: String, at date: Date) async throws -> DeviceRecord? {
        try await writer.write { db in
            guard var device = try DeviceRecord.fetchOne(db, key: deviceId) else { return nil }
            guard !device.isRevoked else {
                throw RelayError(.conflict, code: .deviceRevoked,
                                 message: "Device \(device.name) (\(deviceId)) is revoked; add a new device with `onsite-relay device add` instead of rotating its token.")
            }
            try db.execute(sql: "INSERT INTO retiredToken (tokenHash, deviceId, retiredAt) VALUES (?, ?, ?)",
                           arguments: [device.tokenHash, deviceId, date])
            device.tokenHash = newTokenHash
            try device.update(db)
            return device
        }
    }

    /// The device and date a retired token belonged to, when `tokenHash` is one.
    public func retiredToken(_ tokenHash: String) async throws -> (device: DeviceRecord, retiredAt: Date)? {
        try await writer.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT deviceId, retiredAt FROM retiredToken WHERE tokenHash = ?", arguments: [tokenHash]),
                  let device = try DeviceRecord.fetchOne(db, key: row["deviceId"] as String)
            else { return nil }
            return (device, row["retiredAt"])
        }
    }
}

// MARK: - Figures for /metrics

extension RelayStore {
    /// The bytes of the database file and its write-ahead log (0 for an in-memory store).
    public func databaseBytes() async throws -> Int64 {
        let path = try await writer.read { db in try String.fetchOne(db, sql: "SELECT file FROM pragma_database_list WHERE name = 'main'") } ?? ""
        guard !path.isEmpty else { return 0 }
        return [path, path + "-wal"].reduce(Int64(0)) { total, file in
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.int64Value ?? 0
            return total + size
        }
    }

    /// How many conflicts a pushed change set recorded: the relay's `record_conflict` operations appended in its
    /// transaction (versions are contiguous there, so this reads at most the change set's own log rows).
    public func conflictsRecorded(by result: PushResult) async throws -> Int {
        guard !result.replayed, let first = result.results.compactMap(\.version).min() else { return 0 }
        return try await writer.read { db in
            let rows = try Data.fetchAll(db, sql: "SELECT operation FROM log WHERE version > ? AND version <= ? AND deviceId = ?",
                                         arguments: [first, result.serverVersion, Self.relayDeviceId])
            return try rows.filter { data in
                if case .recordConflict = try WireCoding.decode(SyncOperation.self, from: data).change { return true }
                return false
            }.count
        }
    }
}
