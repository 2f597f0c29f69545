import Foundation
import OnSiteCore
import OnSiteSync
import PostgresNIO

/// Enrolled devices, tokens and last-seen times, as ``RelayStore`` keeps them (`RelayStore.swift`,
/// `RelayStore+Devices.swift`).
extension PostgresRelayStore: RelayDeviceStorage {
    public func addDevice(_ device: DeviceRecord) async throws {
        try await withConnection("add device \(device.id)") { connection in
            try await connection.query("""
                INSERT INTO device (id, name, role, units, token_hash, created_at, revoked_at)
                VALUES (\(device.id), \(device.name), \(device.role.rawValue), \(device.units.joined(separator: ",")),
                        \(device.tokenHash), \(device.createdAt), \(device.revokedAt))
                """, logger: logger)
        }
    }

    public func device(tokenHash: String) async throws -> DeviceRecord? {
        try await withConnection("find a device by token") { connection in
            try await fetchDevices(connection, where: "token_hash = \(tokenHash)").first
        }
    }

    public func devices() async throws -> [DeviceRecord] {
        try await withConnection("list the devices") { connection in
            try await fetchDevices(connection, where: "true ORDER BY created_at, id")
        }
    }

    public func revokeDevice(id: String, at date: Date) async throws -> Bool {
        try await withConnection("revoke device \(id)") { connection in
            let rows = try await connection.query("""
                WITH revoked AS (UPDATE device SET revoked_at = \(date) WHERE id = \(id) AND revoked_at IS NULL)
                SELECT count(*) FROM device WHERE id = \(id)
                """, logger: logger)
            var found = false
            for try await count in rows.decode(Int64.self) { found = count > 0 }
            return found
        }
    }

    public func rotateToken(of deviceId: String, newTokenHash: String, at date: Date) async throws -> DeviceRecord? {
        try await withTransaction("rotate the token of device \(deviceId)") { connection in
            guard var device = try await fetchDevices(connection, where: "id = \(deviceId) FOR UPDATE").first else { return nil }
            guard !device.isRevoked else {
                throw RelayError(.conflict, code: .deviceRevoked,
                                 message: "Device \(device.name) (\(deviceId)) is revoked; add a new device with `onsite-relay device add` instead of rotating its token.")
            }
            try await connection.query("""
                INSERT INTO retired_token (token_hash, device_id, retired_at) VALUES (\(device.tokenHash), \(deviceId), \(date))
                """, logger: logger)
            try await connection.query("UPDATE device SET token_hash = \(newTokenHash) WHERE id = \(deviceId)", logger: logger)
            device.tokenHash = newTokenHash
            return device
        }
    }

    public func retiredToken(_ tokenHash: String) async throws -> (device: DeviceRecord, retiredAt: Date)? {
        let found = try await withConnection("look up a retired token") { connection -> RetiredToken? in
            let rows = try await connection.query(
                "SELECT device_id, retired_at FROM retired_token WHERE token_hash = \(tokenHash)", logger: logger)
            var retired: (deviceId: String, at: Date)?
            for try await (deviceId, retiredAt) in rows.decode((String, Date).self) { retired = (deviceId, retiredAt) }
            guard let retired, let device = try await fetchDevices(connection, where: "id = \(retired.deviceId)").first else { return nil }
            return RetiredToken(device: device, retiredAt: retired.at)
        }
        return found.map { ($0.device, $0.retiredAt) }
    }

    public func noteSeen(_ deviceId: String, at date: Date) async throws {
        try await withConnection("record when device \(deviceId) was seen") { connection in
            // Relays on one database may write out of order: the newest time wins.
            try await connection.query("""
                INSERT INTO device_seen (device_id, last_seen_at) VALUES (\(deviceId), \(date))
                ON CONFLICT (device_id) DO UPDATE SET last_seen_at = GREATEST(device_seen.last_seen_at, excluded.last_seen_at)
                """, logger: logger)
        }
    }

    public func lastSeen() async throws -> [String: Date] {
        try await withConnection("read when devices were last seen") { connection in
            var seen: [String: Date] = [:]
            let rows = try await connection.query("SELECT device_id, last_seen_at FROM device_seen", logger: logger)
            for try await (deviceId, date) in rows.decode((String, Date).self) { seen[deviceId] = date }
            return seen
        }
    }

    public func activeDeviceCount(since date: Date) async throws -> Int {
        try await withConnection("count the active devices") { connection in
            let rows = try await connection.query("""
                SELECT count(*) FROM device_seen JOIN device ON device.id = device_seen.device_id
                WHERE device.revoked_at IS NULL AND device_seen.last_seen_at >= \(date)
                """, logger: logger)
            var count = 0
            for try await value in rows.decode(Int64.self) { count = Int(value) }
            return count
        }
    }

    public func servedVersion(of deviceId: String) async throws -> Int64 {
        try await withConnection("read the version served to device \(deviceId)") { connection in
            var served: Int64 = 0
            for try await value in try await connection.query("SELECT served_version FROM device WHERE id = \(deviceId)", logger: logger)
                .decode(Int64.self) { served = value }
            return served
        }
    }

    /// The devices a condition selects (`condition` follows `WHERE`, and may end with `ORDER BY` or `FOR UPDATE`).
    private func fetchDevices(_ connection: PostgresConnection, where condition: PostgresQuery) async throws -> [DeviceRecord] {
        // The prefix binds nothing, so the condition's placeholders ($1…) keep their numbers.
        let query = PostgresQuery(unsafeSQL: "SELECT id, name, role, units, token_hash, created_at, revoked_at FROM device WHERE " + condition.sql,
                                  binds: condition.binds)
        var devices: [DeviceRecord] = []
        let rows = try await connection.query(query, logger: logger)
        for try await (id, name, roleName, units, tokenHash, createdAt, revokedAt)
            in rows.decode((String, String, String, String, String, Date, Date?).self) {
            guard let role = Role(rawValue: roleName) else {
                throw PostgresStoreError.corrupt("device \(id) has the unknown role `\(roleName)`", at: location)
            }
            devices.append(DeviceRecord(id: id, name: name, role: role, units: units.split(separator: ",").map(String.init),
                                        tokenHash: tokenHash, createdAt: createdAt, revokedAt: revokedAt))
        }
        return devices
    }
}

/// A retired token's device and date (a `Sendable` value to leave the connection's closure).
private struct RetiredToken: Sendable {
    let device: DeviceRecord
    let retiredAt: Date
}
