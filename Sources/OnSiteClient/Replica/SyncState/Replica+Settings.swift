import Foundation
import GRDB
import OnSiteCore
import OnSiteSync

extension Replica {
    func setting<T: Codable>(_ key: SettingKey, as type: T.Type, _ db: Database) throws -> T? {
        guard let text = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key.rawValue]) else { return nil }
        return try WireCoding.decode(T.self, from: Data(text.utf8))
    }

    func setSetting<T: Codable>(_ key: SettingKey, _ value: T, _ db: Database) throws {
        let text = String(decoding: try WireCoding.encode(value), as: UTF8.self)
        try db.execute(sql: "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                       arguments: [key.rawValue, text])
    }

    /// The enrolment, or nil before `onsite enroll`.
    public func enrolment() async throws -> Enrolment? {
        try await writer.read { db in try setting(.enrolment, as: Enrolment.self, db) }
    }

    /// Records the enrolment; refuses to enrol twice.
    public func enroll(_ enrolment: Enrolment) async throws {
        try await writer.write { db in
            if let existing = try setting(.enrolment, as: Enrolment.self, db) {
                throw ClientError.alreadyEnrolled(existing.relayURL)
            }
            try setSetting(.enrolment, enrolment, db)
            try setSetting(.clock, HybridClock(device: enrolment.profile.deviceId), db)
            if let serverTime = enrolment.profile.serverTimeMillis {
                try setSetting(.clockOffset, serverTime - WireDate.millis(clock()), db)
            }
        }
    }

    func requireEnrolment(_ db: Database) throws -> Enrolment {
        guard let enrolment = try setting(.enrolment, as: Enrolment.self, db) else { throw ClientError.notEnrolled }
        return enrolment
    }

    /// Operations queued and not yet acknowledged: what a sync still has to deliver.
    public func pendingOperationCount() async throws -> Int {
        try await writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE acknowledgedVersion IS NULL") ?? 0
        }
    }

    /// The cursor: the relay version up to which this replica has pulled.
    public func cursor() async throws -> Int64 {
        try await writer.read { db in try setting(.cursor, as: Int64.self, db) ?? 0 }
    }

    /// Pending work, cursor and last sync.
    public func status() async throws -> SyncStatus {
        try await writer.read { db in
            let enrolment = try setting(.enrolment, as: Enrolment.self, db)
            var byReport: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT reportId, COUNT(*) AS n FROM outbox WHERE acknowledgedVersion IS NULL GROUP BY reportId") {
                byReport[row["reportId"]] = row["n"]
            }
            return SyncStatus(
                relayURL: enrolment?.relayURL, deviceId: enrolment?.profile.deviceId, role: enrolment?.profile.role,
                units: enrolment?.profile.units ?? [],
                cursor: try setting(.cursor, as: Int64.self, db) ?? 0,
                lastSyncAt: try setting(.lastSyncAt, as: Date.self, db),
                pendingOperations: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE acknowledgedVersion IS NULL") ?? 0,
                pendingByReport: byReport,
                reportCount: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM report") ?? 0,
                rejections: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rejection") ?? 0)
        }
    }
}
