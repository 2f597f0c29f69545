import Foundation
import GRDB
import OnSiteSync

/// The relay this replica last synced with (its id and epoch), and the recovery after the relay lost history.
extension Replica {
    /// The relay identity recorded at the last sync; nil before the first one (or with a relay older than v7).
    public func relayIdentity() async throws -> RelayIdentity? {
        try await writer.read { db in try setting(.relayIdentity, as: RelayIdentity.self, db) }
    }

    /// Records the relay's identity when none was recorded (the first sync with it).
    func recordRelayIdentity(_ identity: RelayIdentity) async throws {
        try await writer.write { db in try setSetting(.relayIdentity, identity, db) }
    }

    /// Ends a recovery once the journal was delivered again: the photos sent within the retention go back in the
    /// upload queue (the uploader asks the relay first, so one it holds is not sent again), the cursor and any
    /// snapshot in progress are dropped so the next pull is a fresh snapshot, and the new identity is recorded.
    /// One transaction: a crash before it leaves the old identity, and the next sync recovers again (re-delivery
    /// is idempotent).
    ///
    /// - Returns: how many photos were queued again.
    func finishRelayRecovery(identity: RelayIdentity?) async throws -> Int {
        let cutoff = clock().addingTimeInterval(-Self.sentJournalRetention)
        return try await writer.write { db in
            try db.execute(sql: "UPDATE photoUpload SET state = 'queued', confirmedOffset = 0, lastError = NULL WHERE state = 'done' AND COALESCE(updatedAt, queuedAt) >= ?",
                           arguments: [cutoff])
            let requeued = db.changesCount
            try db.execute(sql: "DELETE FROM setting WHERE key IN (?, ?)", arguments: [SettingKey.cursor.rawValue, SettingKey.snapshot.rawValue])
            if let identity { try setSetting(.relayIdentity, identity, db) }
            return requeued
        }
    }
}
