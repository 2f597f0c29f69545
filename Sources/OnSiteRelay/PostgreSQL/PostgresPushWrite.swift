import Foundation
import OnSiteCrypto
import OnSiteSync
import PostgresNIO

/// Everything one push writes, as one statement: the touched reports (upserted), their new scope entries, the log
/// rows, attachment references, the checkpoints due, the new log head and the change set's stored result.
///
/// One statement rather than one per row because the push holds `log_head` while it writes, and every relay's
/// pushes wait for it: each round trip to the server is spent by all of them. Each table gets its rows as parallel
/// arrays (`unnest`); the parts are data-modifying `WITH` clauses, which PostgreSQL runs exactly once each, and
/// the log rows' reference to their report is checked at the statement's end, when the reports are in.
struct PostgresPushWrite {
    let statement: PostgresQuery
    /// Each touched report's state as the statement writes it, for the store's ``DecodedRecordCache``.
    let writtenStates: [(id: String, state: Data, record: ReportRecord)]

    /// The rows of `ledger` and `result`; `lastCheckpoint` is the newest checkpoint's version before this push.
    ///
    /// - Throws: when a record cannot be encoded or a checkpoint signed.
    init(_ ledger: PostgresPushLedger, result: PushResult, changeSet: ChangeSet, deviceId: String, lastCheckpoint: Int64,
         checkpointKey: Ed25519PrivateKey?) throws {
        let reports = try ReportRows(ledger)
        writtenStates = reports.written
        let scopes = ScopeRows(ledger)
        let checkpoints = try Self.checkpoints(ledger, lastCheckpoint: lastCheckpoint, key: checkpointKey)
        let entries = ledger.entries
        let attachments = ledger.attachments
        let moved = !entries.isEmpty
        let head = ledger.head
        let stored = ByteBuffer(bytes: try ledger.encoder.encode(result))
        statement = """
            WITH reports AS (
                INSERT INTO report (id, version, province, district, commune, assigned_unit, state, field_versions)
                SELECT id, version, province, district, CASE WHEN has_commune THEN commune END,
                       CASE WHEN has_assigned_unit THEN assigned_unit END, state, field_versions
                FROM unnest(\(reports.ids)::text[], \(reports.versions)::bigint[], \(reports.provinces)::text[], \(reports.districts)::text[],
                            \(reports.communes)::text[], \(reports.hasCommune)::boolean[], \(reports.assignedUnits)::text[],
                            \(reports.hasAssignedUnit)::boolean[], \(reports.states)::bytea[], \(reports.fieldVersions)::text[])
                    AS row(id, version, province, district, commune, has_commune, assigned_unit, has_assigned_unit, state, field_versions)
                ON CONFLICT (id) DO UPDATE SET version = excluded.version, province = excluded.province, district = excluded.district,
                    commune = excluded.commune, assigned_unit = excluded.assigned_unit, state = excluded.state,
                    field_versions = excluded.field_versions),
            scopes AS (
                INSERT INTO scope_log (version, report_id, units)
                SELECT * FROM unnest(\(scopes.versions)::bigint[], \(scopes.reportIds)::text[], \(scopes.units)::text[])),
            entries AS (
                INSERT INTO log (version, operation_id, change_set_id, device_id, report_id, operation, chain_hash)
                SELECT * FROM unnest(\(entries.map(\.version))::bigint[], \(entries.map(\.operationId))::text[],
                                     \(entries.map(\.changeSetId))::text[], \(entries.map(\.deviceId))::text[], \(entries.map(\.reportId))::text[],
                                     \(entries.map { ByteBuffer(bytes: $0.operation) })::bytea[],
                                     \(ledger.entryHashes.map { ByteBuffer(bytes: $0) })::bytea[])),
            attachments AS (
                INSERT INTO attachment_ref (sha256, report_id, device_id, byte_count)
                SELECT * FROM unnest(\(attachments.map(\.sha256))::text[], \(attachments.map(\.reportId))::text[],
                                     \(attachments.map(\.deviceId))::text[], \(attachments.map(\.byteCount))::bigint[])
                ON CONFLICT DO NOTHING),
            checkpoints AS (
                INSERT INTO chain_checkpoint (version, chain_hash, signed_at, relay_key_id, signature)
                SELECT version, chain_hash, signed_at, CASE WHEN signed THEN relay_key_id END, CASE WHEN signed THEN signature END
                FROM unnest(\(checkpoints.map(\.version))::bigint[], \(checkpoints.map { ByteBuffer(bytes: $0.hash) })::bytea[],
                            \(checkpoints.map(\.signedAt))::timestamptz[], \(checkpoints.map { $0.keyId ?? "" })::text[],
                            \(checkpoints.map { ByteBuffer(bytes: $0.signature ?? []) })::bytea[], \(checkpoints.map { $0.signature != nil })::boolean[])
                    AS row(version, chain_hash, signed_at, relay_key_id, signature, signed)
                ON CONFLICT DO NOTHING),
            head AS (
                UPDATE log_head SET version = \(head.version), chain_hash = \(ByteBuffer(bytes: head.hash)) WHERE singleton = 1 AND \(moved))
            INSERT INTO change_set (id, device_id, sequence, received_at, result)
            VALUES (\(changeSet.id.uuidString), \(deviceId), \(changeSet.sequence), \(ledger.now), \(stored))
            """
    }

    /// The checkpoints this push owes: one at each evidence entry when the relay has a key (so a proof needs no other
    /// entry of the log), and one at the head once it is ``ChainCheckpoint/interval`` versions past the newest.
    private static func checkpoints(_ ledger: PostgresPushLedger, lastCheckpoint: Int64, key: Ed25519PrivateKey?) throws -> [CheckpointRow] {
        guard !ledger.entries.isEmpty else { return [] }
        var rows: [CheckpointRow] = []
        if let key {
            let hashes = Dictionary(uniqueKeysWithValues: zip(ledger.entries.map(\.version), ledger.entryHashes))
            for version in ledger.evidenceVersions {
                guard let hash = hashes[version] else { continue }
                rows.append(try CheckpointRow(version: version, hash: hash, key: key, now: ledger.now))
            }
        }
        let newest = max(lastCheckpoint, rows.map(\.version).max() ?? 0)
        if ledger.head.version - newest >= ChainCheckpoint.interval, !rows.contains(where: { $0.version == ledger.head.version }) {
            rows.append(try CheckpointRow(version: ledger.head.version, hash: ledger.head.hash, key: key, now: ledger.now))
        }
        return rows
    }

    /// Each touched report once, as its columns; an absent commune or assigned unit is a `false` beside an empty text.
    private struct ReportRows {
        var ids: [String] = []
        var versions: [Int64] = []
        var provinces: [String] = []
        var districts: [String] = []
        var communes: [String] = []
        var hasCommune: [Bool] = []
        var assignedUnits: [String] = []
        var hasAssignedUnit: [Bool] = []
        var states: [ByteBuffer] = []
        var fieldVersions: [String] = []
        var written: [(id: String, state: Data, record: ReportRecord)] = []

        init(_ ledger: PostgresPushLedger) throws {
            let fieldEncoder = JSONEncoder()
            fieldEncoder.outputFormatting = .sortedKeys
            for id in ledger.versions.keys.sorted() {
                guard let record = ledger.records[id], let version = ledger.versions[id] else { continue }
                let report = record.report
                ids.append(id)
                versions.append(version)
                provinces.append(report.area.province)
                districts.append(report.area.district)
                communes.append(report.area.commune ?? "")
                hasCommune.append(report.area.commune != nil)
                assignedUnits.append(report.assignedUnit ?? "")
                hasAssignedUnit.append(report.assignedUnit != nil)
                let state = try ledger.encoder.encode(record)
                states.append(ByteBuffer(bytes: state))
                written.append((id, state, record))
                fieldVersions.append(String(decoding: try fieldEncoder.encode(ledger.fieldVersionsToStore(of: id)), as: UTF8.self))
            }
        }
    }

    /// A scope entry for each touched report whose units the push changed (or set, for a new report).
    private struct ScopeRows {
        var versions: [Int64] = []
        var reportIds: [String] = []
        var units: [String] = []

        init(_ ledger: PostgresPushLedger) {
            for id in ledger.versions.keys.sorted() {
                guard let record = ledger.records[id], let version = ledger.versions[id] else { continue }
                let encoded = record.report.scope.encoded
                guard ledger.inputs.latestScopes[id] != encoded else { continue }
                versions.append(version)
                reportIds.append(id)
                units.append(encoded)
            }
        }
    }
}
