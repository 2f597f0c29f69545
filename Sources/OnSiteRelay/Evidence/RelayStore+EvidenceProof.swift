import Foundation
import GRDB
import OnSiteCore
import OnSiteCrypto
import OnSiteSync

extension RelayStore {
    /// The most evidence entries one report's proof or one pull page's record carries: a report's evidence is
    /// bounded by its record (``SyncLimits/maxRecordBytes``) already; this bounds the rows read for it.
    public static let maxEvidenceEntriesPerReport = 5_000

    /// The signed operations that added a report's evidence, as the log stores them, each with the chain hash
    /// before it and the relay's checkpoint at it (`GET /v1/evidence/{reportId}`).
    ///
    /// - Throws: ``RelayError`` `out_of_scope` (404) when the report does not exist or the actor may not see it.
    public func evidenceProof(of reportId: String, for actor: Actor) async throws -> EvidenceProof {
        let relayKey = checkpointKey.map { Data($0.publicKey.rawRepresentation).base64EncodedString() }
        return try await writer.read { db in
            let filter = Self.scopeFilter(for: actor)
            var arguments: StatementArguments = [reportId]
            arguments += filter.arguments
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM report WHERE id = ? AND length(state) > 0" + filter.sql, arguments: arguments) == true else {
                throw RelayError(.notFound, code: .outOfScope,
                                 message: "Report \(reportId) does not exist on this relay or is outside this device's units; no evidence of it can be served.")
            }
            var entries: [ProvenEntry] = []
            var keyIds: Set<String> = []
            let decoder = WireCoding.makeDecoder()
            for row in try Self.evidenceRows(of: reportId, db: db) {
                let version: Int64 = row["version"]
                let operation: Data = row["operation"]
                if let keyId = (try? decoder.decode(SyncOperation.self, from: operation))?.signature?.keyId { keyIds.insert(keyId) }
                entries.append(ProvenEntry(
                    version: version, operationId: row["operationId"], changeSetId: row["changeSetId"], deviceId: row["deviceId"],
                    reportId: row["reportId"], operation: operation.base64EncodedString(),
                    previousHash: try Self.chainHash(before: version, db: db).map { Data($0).hexadecimal } ?? "",
                    checkpoint: try Self.signedCheckpoint(at: version, db: db)))
            }
            return EvidenceProof(reportId: reportId, relayKey: relayKey, entries: entries, signers: try Self.signerKeys(keyIds, db: db))
        }
    }

    /// The log rows that added evidence to `reportId` (verifications, photo records, workflow steps), oldest first.
    static func evidenceRows(of reportId: String, db: Database) throws -> [Row] {
        let kinds = SyncOperation.evidenceKinds.map { "'\($0.rawValue)'" }.joined(separator: ",")
        return try Row.fetchAll(db.cachedStatement(sql: """
            SELECT version, operationId, changeSetId, deviceId, reportId, operation FROM log
            WHERE reportId = ? AND deviceId != ?
              AND (CASE WHEN json_valid(CAST(operation AS TEXT)) THEN json_extract(CAST(operation AS TEXT), '$.change.kind') END) IN (\(kinds))
            ORDER BY version LIMIT ?
            """), arguments: [reportId, relayDeviceId, maxEvidenceEntriesPerReport])
    }

    /// The evidence entries of `reportId` as a pull page carries them (decoded, redacted like any entry), and
    /// their stored bytes.
    static func evidenceEntries(of reportId: String, for role: Role, db: Database) throws -> (entries: [LogEntry], bytes: Int) {
        let decoder = WireCoding.makeDecoder()
        var entries: [LogEntry] = []
        var bytes = 0
        for row in try evidenceRows(of: reportId, db: db) {
            let data: Data = row["operation"]
            // A row that no longer decodes is served as nothing: the device then reads the evidence as unsigned.
            guard let operation = try? decoder.decode(SyncOperation.self, from: data) else { continue }
            bytes += data.count
            entries.append(LogEntry(version: row["version"], deviceId: row["deviceId"], operation: Redaction.redacted(operation, for: role)))
        }
        return (entries, bytes)
    }

    /// The keys with these ids, with their devices' names: only keys that signed what the caller is served.
    static func signerKeys(_ keyIds: Set<String>, db: Database) throws -> [SignerKey] {
        let statement = try db.cachedStatement(sql: """
            SELECT deviceKey.keyId, deviceKey.deviceId, deviceKey.publicKey, device.name FROM deviceKey
            JOIN device ON device.id = deviceKey.deviceId WHERE deviceKey.keyId = ?
            """)
        return try keyIds.sorted().compactMap { keyId in
            try Row.fetchOne(statement, arguments: [keyId]).map { row in
                SignerKey(keyId: row["keyId"], deviceId: row["deviceId"], deviceName: row["name"],
                          publicKey: (row["publicKey"] as Data).base64EncodedString())
            }
        }
    }

    /// The keys that signed the entries (and evidence) of a page.
    static func signerKeys(of entries: [LogEntry], db: Database) throws -> [SignerKey] {
        try signerKeys(Set(entries.compactMap { $0.operation.signature?.keyId }), db: db)
    }

    /// The chain hash at `version − 1`: the log row's, else the checkpoint's (a compaction boundary), else the zero
    /// hash before the first entry; nil when neither is held.
    static func chainHash(before version: Int64, db: Database) throws -> [UInt8]? {
        let previous = version - 1
        if previous == 0 { return LogChain.genesis }
        if let hash = try Data.fetchOne(db.cachedStatement(sql: "SELECT chainHash FROM log WHERE version = ?"), arguments: [previous]) {
            return Array(hash)
        }
        return try Data.fetchOne(db.cachedStatement(sql: "SELECT chainHash FROM chainCheckpoint WHERE version = ?"), arguments: [previous]).map(Array.init)
    }

    /// The relay's signed checkpoint at exactly `version`, if it signed one there.
    static func signedCheckpoint(at version: Int64, db: Database) throws -> SignedCheckpoint? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT chainHash, signedAt, relayKeyId, signature FROM chainCheckpoint WHERE version = ? AND signature IS NOT NULL
            """), arguments: [version]) else { return nil }
        return SignedCheckpoint(version: version, chainHash: Data(row["chainHash"] as Data).hexadecimal, signedAt: row["signedAt"],
                                relayKeyId: row["relayKeyId"], signature: (row["signature"] as Data).base64EncodedString())
    }
}

extension ChainCheckpoint {
    /// Signs a checkpoint at each evidence entry's version, so its proof needs no other entry of the log
    /// (`Protocol/evidence.md`, "Evidence proofs"). Without the relay's key there is nothing to sign.
    static func recordEvidence(at versions: [Int64], key: Ed25519PrivateKey?, now: Date, db: Database) throws {
        guard let key else { return }
        for version in versions { try record(at: version, key: key, now: now, db: db) }
    }
}
