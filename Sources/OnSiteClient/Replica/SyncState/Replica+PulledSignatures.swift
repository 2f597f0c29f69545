import Foundation
import GRDB
import OnSiteSync

/// The signed operations behind the evidence of pulled reports, and the keys of their signers
/// (`Protocol/evidence.md`, "What a device keeps"): what `onsite show` checks each verification, photo record
/// and workflow step against, with no network.
extension Replica {
    /// Migration `v7: pulled signatures`.
    static func migratePulledSignatures(_ db: Database) throws {
        // One row per evidence record (verification id, attachment id, or a step's operation id): the operation
        // that added it as pulled, signature included, so it can be checked again at any time.
        try db.create(table: "pulledEvidence") { t in
            t.primaryKey("recordId", .text)
            t.column("reportId", .text).notNull()
            t.column("deviceId", .text).notNull()
            t.column("version", .integer).notNull()
            t.column("operation", .blob).notNull()
        }
        try db.create(index: "pulledEvidence_report", on: "pulledEvidence", columns: ["reportId"])
        // The public keys of the devices that signed pulled operations, with their names.
        try db.create(table: "signerKey") { t in
            t.primaryKey("keyId", .text)
            t.column("deviceId", .text).notNull()
            t.column("deviceName", .text).notNull()
            t.column("publicKey", .text).notNull()
        }
    }

    /// Keeps the evidence operations of a pulled page (its entries and the signed evidence of its snapshot
    /// records) and its signers' keys; part of the page's transaction.
    static func keepPulledEvidence(of page: PullPage, db: Database) throws {
        let encoder = WireCoding.makeEncoder()
        let keep = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO pulledEvidence (recordId, reportId, deviceId, version, operation) VALUES (?, ?, ?, ?, ?)
            """)
        for entry in page.evidence + page.changes {
            guard let recordId = entry.operation.evidenceRecordId else { continue }
            try keep.execute(arguments: [recordId.uuidString, entry.operation.reportId, entry.deviceId, entry.version,
                                         try encoder.encode(entry.operation)])
        }
        let key = try db.cachedStatement(sql: "INSERT OR REPLACE INTO signerKey (keyId, deviceId, deviceName, publicKey) VALUES (?, ?, ?, ?)")
        for signer in page.signers where signer.bytes != nil {
            try key.execute(arguments: [signer.keyId, signer.deviceId, signer.deviceName, signer.publicKey])
        }
    }

    /// The pulled evidence operations of one report, by record id, and the keys of their signers.
    public func pulledEvidence(of reportId: String) async throws -> PulledEvidence {
        try await writer.read { db in
            let decoder = WireCoding.makeDecoder()
            var entries: [UUID: LogEntry] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT recordId, deviceId, version, operation FROM pulledEvidence WHERE reportId = ?", arguments: [reportId]) {
                guard let recordId = UUID(uuidString: row["recordId"]),
                      let operation = try? decoder.decode(SyncOperation.self, from: row["operation"] as Data) else { continue }
                entries[recordId] = LogEntry(version: row["version"], deviceId: row["deviceId"], operation: operation)
            }
            let keyIds = Set(entries.values.compactMap { $0.operation.signature?.keyId })
            var keys: [String: SignerKey] = [:]
            for keyId in keyIds {
                if let row = try Row.fetchOne(db, sql: "SELECT keyId, deviceId, deviceName, publicKey FROM signerKey WHERE keyId = ?", arguments: [keyId]) {
                    keys[keyId] = SignerKey(keyId: row["keyId"], deviceId: row["deviceId"], deviceName: row["deviceName"], publicKey: row["publicKey"])
                }
            }
            return PulledEvidence(entries: entries, keys: keys)
        }
    }
}

/// The signed operations a replica holds for one report's evidence, and the keys they name.
public struct PulledEvidence: Sendable, Hashable {
    /// The operation that added each evidence record, by the record's id.
    public var entries: [UUID: LogEntry]
    /// The signers' public keys, by key id.
    public var keys: [String: SignerKey]

    public init(entries: [UUID: LogEntry], keys: [String: SignerKey]) {
        self.entries = entries
        self.keys = keys
    }
}
