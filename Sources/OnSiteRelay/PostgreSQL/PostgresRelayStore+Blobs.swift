import Foundation
import OnSiteCore
import OnSiteSync
import PostgresNIO

/// The blob access rules of `Protocol/uploads.md`, as ``RelayStore``'s (`Blobs/RelayStore+Blobs.swift`): which
/// reports attach a blob (`attachment_ref`), who uploaded it (`blob_uploader`), and the `blob_available` entries
/// the relay appends under its own device id. The bytes live in the shared data folder (``blobs``).
extension PostgresRelayStore: RelayBlobReferenceStorage {
    /// What `actor` may do with the blob `sha256`.
    public func blobAccess(_ sha256: String, for actor: Actor) async throws -> BlobAccess {
        let size = blobs.blobSize(sha256)
        return try await withSnapshot("read what device \(actor.deviceId) may do with blob \(sha256)") { connection in
            let records = try await records(referencing: sha256, connection)
            let visible = records.filter { actor.canSee($0.report) }.flatMap { $0.attachments.filter { $0.sha256 == sha256 } }
            var granted = false
            if let size { granted = try await mayHold(sha256, size: size, actor: actor, records: records, connection) }
            return BlobAccess(visibleAttachments: visible, isGranted: granted)
        }
    }

    /// Records that `deviceId` uploaded the whole blob (its SHA-256 verified), then appends `blob_available` where
    /// the rules now allow it, in one transaction. Returns the versions appended.
    @discardableResult
    public func blobUploaded(_ sha256: String, by deviceId: String, byteCount: Int64, at date: Date = Date()) async throws -> [Int64] {
        let size = blobs.blobSize(sha256)
        return try await withTransaction("record device \(deviceId)'s upload of blob \(sha256)") { connection in
            guard let size else {
                try await recordUpload(sha256, by: deviceId, byteCount: byteCount, at: date, connection)
                return []
            }
            // The log head first, as a push takes it: appends from every relay go one after another.
            var head = try await lockLogHead(connection)
            try await recordUpload(sha256, by: deviceId, byteCount: byteCount, at: date, connection)
            return try await appendBlobAvailable(sha256, size: size, at: date, head: &head, connection)
        }
    }

    private func recordUpload(_ sha256: String, by deviceId: String, byteCount: Int64, at date: Date, _ connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO blob_uploader (sha256, device_id, byte_count, uploaded_at) VALUES (\(sha256), \(deviceId), \(byteCount), \(date))
            ON CONFLICT (sha256, device_id) DO UPDATE SET byte_count = excluded.byte_count, uploaded_at = excluded.uploaded_at
            """, logger: logger)
    }

    /// Appends `blob_available(sha256)` to every report that references the hash, does not show it as available
    /// yet, and has an attachment the rules grant, in one transaction. Idempotent. Returns the versions appended.
    @discardableResult
    public func appendBlobAvailable(_ sha256: String, at date: Date = Date()) async throws -> [Int64] {
        guard let size = blobs.blobSize(sha256) else { return [] }
        return try await withTransaction("append blob_available for blob \(sha256)") { connection in
            var head = try await lockLogHead(connection)
            return try await appendBlobAvailable(sha256, size: size, at: date, head: &head, connection)
        }
    }

    /// After a push: attachments whose bytes the relay already holds become available when the rules grant them.
    public func appendBlobAvailable(forAttachmentsIn changeSet: ChangeSet, result: PushResult) async throws {
        let accepted = Set(result.results.filter { $0.outcome == .applied }.map(\.operationId))
        var hashes = Set<String>()
        for operation in changeSet.operations where accepted.contains(operation.id) {
            if case .addAttachment(let attachment) = operation.change, blobs.hasBlob(attachment.sha256) {
                hashes.insert(attachment.sha256)
            }
        }
        for sha256 in hashes.sorted() { try await appendBlobAvailable(sha256) }
    }

    // MARK: Rules

    /// Takes the log's head row for this transaction (see ``push(_:from:limits:at:)``) and returns it.
    func lockLogHead(_ connection: PostgresConnection) async throws -> LogHead {
        var head = LogHead(version: 0, hash: LogChain.genesis)
        for try await (version, hash) in try await connection.query(
            "SELECT version, chain_hash FROM log_head WHERE singleton = 1 FOR UPDATE", logger: logger).decode((Int64, Data).self) {
            head = LogHead(version: version, hash: Array(hash))
        }
        return head
    }

    /// Appends the `blob_available` entries due, after `head`, which the log head row then records.
    private func appendBlobAvailable(_ sha256: String, size: Int64, at date: Date, head: inout LogHead,
                                     _ connection: PostgresConnection) async throws -> [Int64] {
        let encoder = WireCoding.makeEncoder()
        let changeSetId = UUID().uuidString
        var versions: [Int64] = []
        // A report made available can make another one granted (its devices may now see the bytes), so repeat
        // until nothing changes; each pass makes at least one report available or stops.
        var progress = true
        while progress {
            progress = false
            let waiting = try await records(referencing: sha256, connection).filter { !$0.availableBlobs.contains(sha256) }
            for found in waiting {
                guard try await grants(sha256, size: size, record: found, connection) else { continue }
                var record = found
                let stamp = HybridTimestamp(wallMillis: WireDate.millis(date), counter: UInt32(truncatingIfNeeded: versions.count),
                                            device: RelayStore.relayDeviceId)
                let operation = SyncOperation(reportId: record.id, stamp: stamp, change: .blobAvailable(sha256: sha256))
                record.apply(operation)
                let entry = LogChain.Entry(version: head.version + 1, operationId: operation.id.uuidString, changeSetId: changeSetId,
                                           deviceId: RelayStore.relayDeviceId, reportId: record.id, operation: try encoder.encode(operation))
                let hash = LogChain.hash(previous: head.hash, entry)
                try await connection.query("""
                    INSERT INTO log (version, operation_id, change_set_id, device_id, report_id, operation, chain_hash)
                    VALUES (\(entry.version), \(entry.operationId), \(entry.changeSetId), \(entry.deviceId), \(entry.reportId),
                            \(entry.operation), \(Data(hash)))
                    """, logger: logger)
                try await connection.query(
                    "UPDATE report SET version = \(entry.version), state = \(try encoder.encode(record)) WHERE id = \(record.id)", logger: logger)
                head = LogHead(version: entry.version, hash: hash)
                versions.append(entry.version)
                progress = true
            }
        }
        if !versions.isEmpty {
            try await connection.query(
                "UPDATE log_head SET version = \(head.version), chain_hash = \(Data(head.hash)) WHERE singleton = 1", logger: logger)
        }
        return versions
    }

    /// Reports whose merged state has an attachment with `sha256`: the candidates `attachment_ref` names, confirmed
    /// on the records, in id order (bytes, as SQLite orders them).
    private func records(referencing sha256: String, _ connection: PostgresConnection) async throws -> [ReportRecord] {
        let rows = try await connection.query("""
            SELECT state FROM report WHERE id IN (SELECT report_id FROM attachment_ref WHERE sha256 = \(sha256)) AND length(state) > 0
            ORDER BY id COLLATE "C"
            """, logger: logger)
        var records: [ReportRecord] = []
        for try await state in rows.decode(Data.self) {
            let record = try WireCoding.decode(ReportRecord.self, from: state)
            if record.attachments.contains(where: { $0.sha256 == sha256 }) { records.append(record) }
        }
        return records
    }

    /// Whether a report's attachment of `sha256` may be marked available: some device not revoked pushed an
    /// `add_attachment` of the hash with the blob's exact size on this report, and that device may hold the bytes.
    private func grants(_ sha256: String, size: Int64, record: ReportRecord, _ connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query("""
            SELECT device.id, device.role, device.units FROM attachment_ref JOIN device ON device.id = attachment_ref.device_id
            WHERE attachment_ref.sha256 = \(sha256) AND attachment_ref.report_id = \(record.id) AND attachment_ref.byte_count = \(size)
              AND device.revoked_at IS NULL
            ORDER BY device.id COLLATE "C"
            """, logger: logger)
        var actors: [Actor] = []
        for try await (id, roleName, units) in rows.decode((String, String, String).self) {
            guard let role = Role(rawValue: roleName) else {
                throw PostgresStoreError.corrupt("device \(id) has the unknown role `\(roleName)`", at: location)
            }
            actors.append(Actor(deviceId: id, role: role, units: Set(units.split(separator: ",").map(String.init))))
        }
        guard !actors.isEmpty else { return false }
        let records = try await records(referencing: sha256, connection)
        for actor in actors {
            if try await mayHold(sha256, size: size, actor: actor, records: records, connection) { return true }
        }
        return false
    }

    /// Whether `actor` may have the bytes of a blob the relay holds with `size` bytes: it uploaded them itself, or
    /// it can see a report on which the blob is available with an attachment of that size.
    private func mayHold(_ sha256: String, size: Int64, actor: Actor, records: [ReportRecord], _ connection: PostgresConnection) async throws -> Bool {
        var uploaded = false
        for try await found in try await connection.query("""
            SELECT EXISTS (SELECT 1 FROM blob_uploader WHERE sha256 = \(sha256) AND device_id = \(actor.deviceId) AND byte_count = \(size))
            """, logger: logger).decode(Bool.self) { uploaded = found }
        if uploaded { return true }
        return records.contains { record in
            actor.canSee(record.report) && record.availableBlobs.contains(sha256)
                && record.attachments.contains { $0.sha256 == sha256 && $0.byteCount == size }
        }
    }
}

/// The log chain's head: the last version appended and its hash (the `log_head` row).
struct LogHead: Sendable {
    var version: Int64
    var hash: [UInt8]
}
