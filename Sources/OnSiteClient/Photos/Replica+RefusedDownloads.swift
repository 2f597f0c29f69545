import Foundation
import GRDB

/// A photo the relay served with bytes that do not hash to its record's SHA-256: the download was discarded and
/// kept here as a finding, so `onsite show` flags the photo (`Protocol/evidence.md`, "Marks") until a later
/// download of the right bytes clears it.
public struct RefusedDownload: Sendable, Hashable {
    /// The SHA-256 the photo's record carries (and its signer signed).
    public var sha256: String
    /// What the served bytes hashed to.
    public var receivedSha256: String
    /// When the download was last refused.
    public var refusedAt: Date
    /// How many downloads were refused.
    public var attempts: Int
}

extension Replica {
    /// Migration `v8: refused photo downloads`.
    static func migrateRefusedDownloads(_ db: Database) throws {
        try db.create(table: "refusedDownload") { t in
            t.primaryKey("sha256", .text)
            t.column("receivedSha256", .text).notNull()
            t.column("refusedAt", .datetime).notNull()
            t.column("attempts", .integer).notNull()
        }
    }

    /// Records that the relay served `sha256` with bytes hashing to `received`.
    func recordRefusedDownload(_ sha256: String, received: String, at date: Date) async throws {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO refusedDownload (sha256, receivedSha256, refusedAt, attempts) VALUES (?, ?, ?, 1)
                ON CONFLICT (sha256) DO UPDATE SET receivedSha256 = excluded.receivedSha256, refusedAt = excluded.refusedAt,
                    attempts = attempts + 1
                """, arguments: [sha256, received, date])
        }
    }

    /// Forgets a refusal once the right bytes arrived.
    func clearRefusedDownload(_ sha256: String) async throws {
        try await writer.write { db in try db.execute(sql: "DELETE FROM refusedDownload WHERE sha256 = ?", arguments: [sha256]) }
    }

    /// Every refused download, by the record's SHA-256.
    public func refusedDownloads() async throws -> [String: RefusedDownload] {
        try await writer.read { db in
            var found: [String: RefusedDownload] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT sha256, receivedSha256, refusedAt, attempts FROM refusedDownload") {
                let refused = RefusedDownload(sha256: row["sha256"], receivedSha256: row["receivedSha256"], refusedAt: row["refusedAt"], attempts: row["attempts"])
                found[refused.sha256] = refused
            }
            return found
        }
    }
}
