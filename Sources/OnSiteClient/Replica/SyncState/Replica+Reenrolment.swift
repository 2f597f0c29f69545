import Foundation
import GRDB
import OnSiteCore
import OnSiteSync

extension Replica {
    /// Replaces the enrolment of an enrolled replica (`onsite enroll --replace`): a new token, relay address or
    /// pinned CA for the same device keeps everything (outbox, frozen change sets, photo queue, cursor, clock).
    ///
    /// A token of another device (`moving`) switches the replica to that identity: only with nothing pending,
    /// since pending operations and frozen change sets carry the old device's id and stamps; the local reports
    /// and cursor are dropped so the next sync pulls the new device's scope.
    ///
    /// - Throws: ``ClientError/invalidInput(_:)`` when the token is another device's and `moving` is false, or
    ///   when moving with work still pending; ``ClientError/notEnrolled`` when there is nothing to replace.
    public func replaceEnrolment(with enrolment: Enrolment, moving: Bool) async throws {
        try await writer.write { db in
            let existing = try requireEnrolment(db)
            let old = existing.profile, new = enrolment.profile
            guard old.deviceId != new.deviceId else {
                // Same device: the clock keeps its last stamp, so later stamps still move forward.
                try setSetting(.enrolment, enrolment, db)
                if let serverTime = new.serverTimeMillis {
                    try setSetting(.clockOffset, serverTime - WireDate.millis(clock()), db)
                }
                return
            }
            let pending = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE acknowledgedVersion IS NULL") ?? 0
            let photos = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM photoUpload WHERE state = 'queued'") ?? 0
            guard moving else {
                throw ClientError.invalidInput(
                    "The new token belongs to \(new.name) (device \(new.deviceId)), not to this replica's device \(old.name) (\(old.deviceId)). "
                        + "Check the token; to make this replica that device, run the same command with --move. Nothing was changed.")
            }
            guard pending == 0, photos == 0 else {
                throw ClientError.invalidInput(
                    "This replica still holds \(pending) change(s) and \(photos) photo(s) recorded as device \(old.name) (\(old.deviceId)); "
                        + "they cannot move to \(new.name). Sync them with the current token first (or ask the administrator to rotate "
                        + "\(old.name)'s token: `onsite-relay device rotate \(old.deviceId)`), then move. Nothing was changed.")
            }
            try db.execute(sql: "DELETE FROM pendingChangeSet")
            // Journaled change sets carry the old device's id: the relay would refuse them from the new one.
            try db.execute(sql: "DELETE FROM sentChangeSet")
            try db.execute(sql: "DELETE FROM outbox")
            try db.execute(sql: "DELETE FROM rejection")
            try db.execute(sql: "DELETE FROM report")
            try db.execute(sql: "DELETE FROM photoUpload")
            try db.execute(sql: "DELETE FROM setting WHERE key IN (?, ?)", arguments: [SettingKey.cursor.rawValue, SettingKey.lastSyncAt.rawValue])
            try setSetting(.enrolment, enrolment, db)
            try setSetting(.clock, HybridClock(device: new.deviceId), db)
            if let serverTime = new.serverTimeMillis {
                try setSetting(.clockOffset, serverTime - WireDate.millis(clock()), db)
            }
        }
    }
}
