import Foundation
import GRDB
import OnSiteSync

/// The sent journal: change sets the relay acknowledged, kept byte for byte for ``sentJournalRetention``, so that
/// after a relay restore this device can deliver again what the restored relay lacks (see `Protocol/sync.md`,
/// "Relay identity and restores"). The photos sent in that time are the `photoUpload` rows marked `done`.
extension Replica {
    /// How long an acknowledged change set (and a sent photo) stays re-deliverable: 30 days.
    public static let sentJournalRetention: TimeInterval = 30 * 24 * 3600

    /// Replica migration `v5: sent journal`.
    static func createSentJournal(_ db: Database) throws {
        try db.create(table: "sentChangeSet") { t in
            t.primaryKey("id", .text)
            t.column("sequence", .integer).notNull().unique()
            t.column("body", .blob).notNull()
            t.column("operationCount", .integer).notNull()
            t.column("acknowledgedAt", .datetime).notNull()
        }
        try db.create(index: "sentChangeSet_acknowledgedAt", on: "sentChangeSet", columns: ["acknowledgedAt"])
    }

    /// Moves a frozen change set into the journal as it is acknowledged, and drops entries past the retention.
    /// Called inside ``acknowledge(_:)``'s transaction.
    func journalAcknowledged(_ changeSetId: String, operationCount: Int, at now: Date, db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO sentChangeSet (id, sequence, body, operationCount, acknowledgedAt)
                SELECT id, sequence, body, ?, ? FROM pendingChangeSet WHERE id = ?
                """,
            arguments: [operationCount, now, changeSetId])
        try db.execute(sql: "DELETE FROM sentChangeSet WHERE acknowledgedAt < ?",
                       arguments: [now.addingTimeInterval(-Self.sentJournalRetention)])
    }

    /// The journaled change sets still within the retention, oldest first (by sequence): what a re-delivery sends.
    public func sentJournal() async throws -> [OutgoingChangeSet] {
        let cutoff = clock().addingTimeInterval(-Self.sentJournalRetention)
        return try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT id, body, operationCount FROM sentChangeSet WHERE acknowledgedAt >= ? ORDER BY sequence",
                             arguments: [cutoff]).map { row in
                let id: String = row["id"]
                guard let uuid = UUID(uuidString: id) else { throw ClientError.badResponse("corrupt journaled change set id \(id)") }
                return OutgoingChangeSet(id: uuid, body: row["body"], operationCount: row["operationCount"])
            }
        }
    }
}
