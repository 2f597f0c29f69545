import Foundation
import OnSiteCore
import OnSiteCrypto
@testable import OnSiteRelay
import OnSiteSync
import Testing

/// The storage seam's other facets on each store, SQLite and a real PostgreSQL server: blob access rules, the hub's
/// reads, evidence proofs and signed checkpoints, compaction, the web pages' reads and the database's size.
@Suite("Blobs, hub reads, evidence, compaction and web reads, on each store")
struct RelayFacetStorageTests {
    typealias Sync = RelaySyncStorageTests

    static let photo = Data("ảnh hiện trường \u{FF}\u{D8}".utf8)
    static var photoHash: String { SHA256.hash(photo).hex }

    static func attachment(_ reportId: String, byteCount: Int64 = Int64(photo.count)) -> OnSiteCore.Attachment {
        OnSiteCore.Attachment(reportId: reportId, sha256: photoHash, byteCount: byteCount, contentType: "image/jpeg", fileName: "IMG_0412.jpg",
                              addedBy: "Lò Văn Minh", addedAt: Sync.now)
    }

    static func writePhoto(to blobs: RelayBlobStore) throws {
        let path = blobs.blobPath(photoHash)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try photo.write(to: URL(fileURLWithPath: path))
    }

    static func sign(_ operation: SyncOperation, with key: Ed25519PrivateKey) throws -> SyncOperation {
        var signed = operation
        signed.signature = OperationSignature(keyId: key.publicKey.keyId, value: Data(try key.sign(try operation.signedBytes())).base64EncodedString())
        return signed
    }

    // MARK: Blobs

    @Test(arguments: StoreKind.allCases)
    func aBlobIsGrantedOnlyOnceItsBytesAreHeldAndItsUploaderOrAReportMakesItAvailable(kind: StoreKind) async throws {
        try await kind.withStoreAndBlobs { store, blobs in
            try await Sync.enrol(store)
            _ = try await Sync.push(store, Sync.changeSet(Sync.hub, 1, [(.createReport(Sync.report("r1")), "r1")]), by: Sync.hub)
            _ = try await Sync.pull(store, since: 0, as: Sync.officer)
            _ = try await Sync.push(store, Sync.changeSet(Sync.officer, 1, base: 1, [(.addAttachment(Self.attachment("r1")), "r1")]), by: Sync.officer)
            // Referenced in the officer's ward only; nothing granted while the relay lacks the bytes.
            let before = try await store.blobAccess(Self.photoHash, for: Sync.officer)
            #expect(before.isReferenced && !before.isGranted)
            #expect(try await store.blobAccess(Self.photoHash, for: Sync.otherWard).isReferenced == false)
            #expect(try await store.blobUploaded(Self.photoHash, by: Sync.officer.deviceId, byteCount: Int64(Self.photo.count), at: Sync.now) == [])
            // With the bytes, the upload makes the report's photo available (the relay's own entry, version 3).
            try Self.writePhoto(to: blobs)
            #expect(try await store.blobUploaded(Self.photoHash, by: Sync.officer.deviceId, byteCount: Int64(Self.photo.count), at: Sync.now) == [3])
            let entry = try #require(try await store.logEntries(after: 2, limit: 10).first)
            #expect(entry.deviceId == RelayStore.relayDeviceId)
            #expect(entry.operation.change == .blobAvailable(sha256: Self.photoHash))
            #expect(try await store.blobAccess(Self.photoHash, for: Sync.supervisor).isGranted)
            #expect(try await store.blobAccess(Self.photoHash, for: Sync.otherWard) == BlobAccess(visibleAttachments: [], isGranted: false))
            #expect(try await store.appendBlobAvailable(Self.photoHash, at: Sync.now) == [])
            // A second report attaching the held blob becomes available after its push; one of another size never does.
            let again = Sync.changeSet(Sync.hub, 2, [(.createReport(Sync.report("r2")), "r2"), (.addAttachment(Self.attachment("r2")), "r2")])
            let result = try await Sync.push(store, again, by: Sync.hub)
            try await store.appendBlobAvailable(forAttachmentsIn: again, result: result)
            let wrongSize = Sync.changeSet(Sync.hub, 3, [(.createReport(Sync.report("r3")), "r3"), (.addAttachment(Self.attachment("r3", byteCount: 7)), "r3")])
            try await store.appendBlobAvailable(forAttachmentsIn: wrongSize, result: try await Sync.push(store, wrongSize, by: Sync.hub))
            let appended = try await store.logEntries(after: 3, limit: 10).filter { $0.deviceId == RelayStore.relayDeviceId }
            #expect(appended.map(\.operation.reportId) == ["r2"])
            #expect(try await store.serverVersion() == 8)
        }
    }

    // MARK: Hub reads

    static func hubReport(_ id: String, ward: String, category: String, status: ReportStatus, receivedDay: Int) -> Report {
        var report = Sync.report(id, ward: ward)
        report.category = category
        report.status = status
        report.receivedAt = Date(timeIntervalSince1970: 1_713_312_000 + TimeInterval(receivedDay) * 86_400)
        return report
    }

    @Test(arguments: StoreKind.allCases)
    func hubPagesAndBatchesFilterAndOrderAsTheSQLiteStoreDoes(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await Sync.enrol(store)
            let reports = [
                Self.hubReport("DB-3", ward: "phuong-muong-thanh", category: "moi-truong", status: .forwarded, receivedDay: 2),
                Self.hubReport("DB-1", ward: "phuong-him-lam", category: "an-toan-giao-thong", status: .received, receivedDay: 2),
                Self.hubReport("DB-2", ward: "phuong-muong-thanh", category: "an-toan-giao-thong", status: .forwarded, receivedDay: 5),
                Self.hubReport("DB-10", ward: "phuong-him-lam", category: "moi-truong", status: .forwarded, receivedDay: 1),
            ]
            _ = try await Sync.push(store, Sync.changeSet(Sync.hub, 1, reports.map { (.createReport($0), $0.id) }), by: Sync.hub)
            let all = HubQuery()
            // Newest receipt first, then id descending; pages by offset.
            #expect(try await store.hubPage(all, for: Sync.hub, offset: 0, limit: 10).map(\.id) == ["DB-2", "DB-3", "DB-1", "DB-10"])
            #expect(try await store.hubPage(all, for: Sync.hub, offset: 1, limit: 2).map(\.id) == ["DB-3", "DB-1"])
            // Batches in id order (bytes: "DB-10" before "DB-2"), after an id.
            #expect(try await store.hubBatch(all, for: Sync.hub, after: nil, limit: 3).map(\.id) == ["DB-1", "DB-10", "DB-2"])
            #expect(try await store.hubBatch(all, for: Sync.hub, after: "DB-10", limit: 10).map(\.id) == ["DB-2", "DB-3"])
            // Each filter, and the scope of an officer (its ward only).
            let start = Date(timeIntervalSince1970: 1_713_312_000 + 2 * 86_400)
            let filters: [(HubQuery, [String])] = [
                (HubQuery(ids: ["DB-1", "DB-3", "nope"]), ["DB-1", "DB-3"]),
                (HubQuery(categories: ["moi-truong"]), ["DB-10", "DB-3"]),
                (HubQuery(statuses: [.received]), ["DB-1"]),
                (HubQuery(receivedFrom: start), ["DB-1", "DB-2", "DB-3"]),
                (HubQuery(receivedBefore: start), ["DB-10"]),
                (HubQuery(receivedFrom: start, receivedBefore: start.addingTimeInterval(1)), ["DB-1", "DB-3"]),
                (HubQuery(province: "dien-bien", unit: "phuong-him-lam"), ["DB-1", "DB-10"]),
                (HubQuery(province: "lai-chau"), []),
            ]
            for (query, expected) in filters {
                #expect(try await store.hubBatch(query, for: Sync.hub, after: nil, limit: 10).map(\.id) == expected, "\(query)")
            }
            #expect(try await store.hubPage(all, for: Sync.officer, offset: 0, limit: 10).map(\.id) == ["DB-2", "DB-3"])
            // Redacted for the role: a supervisor never sees the reporter.
            let supervised = try await store.hubBatch(all, for: Sync.supervisor, after: nil, limit: 10)
            #expect(supervised.count == 4 && supervised.allSatisfy { $0.report.reporter.phone == nil })
        }
    }

    // MARK: Evidence

    @Test(arguments: StoreKind.allCases)
    func evidenceIsProvenWithSignedCheckpointsAndTravelsWithSnapshots(kind: StoreKind) async throws {
        let relayKey = try Ed25519PrivateKey.generate()
        let deviceKey = try Ed25519PrivateKey.generate()
        try await kind.withStoreAndBlobs(checkpointKey: relayKey) { store, _ in
            try await Sync.enrol(store)
            _ = try await store.registerKey(RelayStorageTests.registration(deviceKey), for: Sync.officer.deviceId, at: Sync.now)
            _ = try await Sync.push(store, Sync.changeSet(Sync.hub, 1, [(.createReport(Sync.report("r1")), "r1")]), by: Sync.hub)
            _ = try await Sync.pull(store, since: 0, as: Sync.officer)
            let verification = Verification(reportId: "r1", officer: "Lò Văn Minh", visitedAt: Sync.now, position: GeoPoint(latitude: 21.387, longitude: 103.02),
                                            finding: .confirmed, notes: "Có ổ gà.")
            var changeSet = Sync.changeSet(Sync.officer, 1, base: 1, [
                (.addVerification(verification), "r1"), (.addNote(Note(author: "Minh", at: Sync.now, text: "Ghi chú")), "r1"),
            ])
            changeSet.operations = try changeSet.operations.map { try Self.sign($0, with: deviceKey) }
            #expect(try await Sync.push(store, changeSet, by: Sync.officer).results.map(\.outcome) == [.applied, .applied])
            // The proof holds the verification only (a note is no evidence), the chain hash before it, and the
            // relay's checkpoint at it, signed by the relay's key.
            let proof = try await store.evidenceProof(of: "r1", for: Sync.supervisor)
            #expect(proof.relayKey == Data(relayKey.publicKey.rawRepresentation).base64EncodedString())
            let entry = try #require(proof.entries.first)
            #expect(proof.entries.count == 1 && entry.version == 2 && entry.deviceId == Sync.officer.deviceId)
            let checkpoint = try #require(entry.checkpoint)
            let signed = ChainCheckpoint(version: checkpoint.version, chainHash: checkpoint.chainHash, signedAt: checkpoint.signedAt,
                                         relayKeyId: checkpoint.relayKeyId, signature: checkpoint.signature)
            #expect(checkpoint.version == 2 && signed.isSigned(by: relayKey.publicKey))
            let operation = try #require(Data(base64Encoded: entry.operation))
            let previous = try #require(Data(hexadecimal: entry.previousHash))
            let chained = LogChain.hash(previous: Array(previous), LogChain.Entry(
                version: 2, operationId: entry.operationId, changeSetId: entry.changeSetId, deviceId: entry.deviceId, reportId: "r1", operation: operation))
            #expect(Data(chained).hexadecimal == checkpoint.chainHash)
            #expect(proof.signers.map(\.keyId) == [deviceKey.publicKey.keyId])
            // Outside the actor's units, or no such report: out of scope, the same answer.
            for (reportId, actor) in [("r1", Sync.otherWard), ("r9", Sync.hub)] {
                let refused = await #expect(throws: RelayError.self) { try await store.evidenceProof(of: reportId, for: actor) }
                #expect(refused?.detail.code == .outOfScope)
            }
            // A snapshot carries the record's evidence and its signer.
            let page = try await Sync.pull(store, since: 0, as: Sync.supervisor)
            #expect(page.evidence.map(\.version) == [2])
            #expect(page.signers.map(\.keyId) == [deviceKey.publicKey.keyId])
        }
    }

    // MARK: Compaction

    @Test(arguments: StoreKind.allCases)
    func compactionFoldsTheLogAndPullsBehindItGetSnapshots(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await Sync.enrol(store)
            _ = try await Sync.push(store, Sync.changeSet(Sync.hub, 1, (1...6).map { (.createReport(Sync.report("r\($0)")), "r\($0)") }), by: Sync.hub)
            _ = try await Sync.pull(store, since: 0, as: Sync.officer)
            let note = Sync.changeSet(Sync.officer, 1, base: 6, [(.addNote(Note(author: "Lan", at: Sync.now, text: "Đã đến")), "r1")])
            _ = try await Sync.push(store, note, by: Sync.officer)
            _ = try await Sync.push(store, Sync.changeSet(Sync.hub, 2, [(.setField(.title, .text("Của IOC")), "r1")]), by: Sync.hub)
            let head = try await store.chainHead()
            // Nothing to fold while everything is kept; by age, only entries of change sets older than the window.
            #expect(try await store.compactionHorizon(.keepEverything, now: Sync.now) == 0)
            #expect(try await store.compactionHorizon(LogRetention(retainDays: 1, retainVersions: nil), now: Sync.now) == 0)
            #expect(try await store.compactionHorizon(LogRetention(retainDays: 1, retainVersions: nil), now: Sync.now.addingTimeInterval(2 * 86_400)) == 8)
            #expect(try await store.compactionHorizon(LogRetention(retainDays: nil, retainVersions: 3), now: Sync.now) == 5)
            let summary = try await store.compact(LogRetention(retainDays: nil, retainVersions: 0), now: Sync.now)
            #expect(summary == CompactionSummary(compactedThrough: 8, entriesRemoved: 8))
            #expect(try await store.compactedThrough() == 8)
            #expect(try await store.logEntries(after: 0, limit: 100).isEmpty)
            #expect(try await store.chainHead() == head)
            #expect(try await store.compact(LogRetention(retainDays: nil, retainVersions: 0), now: Sync.now) == summary.with(removed: 0))
            // A cursor behind the compacted log gets a snapshot; at its edge, changes as usual.
            let behind = try await Sync.pull(store, since: 4, as: Sync.officer)
            #expect(behind.snapshot?.isComplete == true && behind.snapshots.count == 6 && behind.nextCursor == 8)
            let current = try await Sync.pull(store, since: 8, as: Sync.officer)
            #expect(current.snapshot == nil && current.changes.isEmpty && current.nextCursor == 8)
            // A resent operation is still a duplicate; an old base still keeps the hub's title as a conflict.
            var resent = Sync.changeSet(Sync.officer, 2, base: 8, [])
            resent.operations = note.operations
            #expect(try await Sync.push(store, resent, by: Sync.officer).results.map(\.outcome) == [.duplicate])
            let stale = try await Sync.push(store, Sync.changeSet(Sync.officer, 3, base: 6, [(.setField(.title, .text("Của cán bộ")), "r1")]), by: Sync.officer)
            #expect(try await store.conflictsRecorded(by: stale) == 1)
        }
    }

    // MARK: Web and metrics

    @Test(arguments: StoreKind.allCases)
    func webReadsGiveTheScopeThenEveryReportChangedAfterAVersion(kind: StoreKind) async throws {
        try await kind.withStoreAndBlobs { store, _ in
            try await Sync.enrol(store)
            _ = try await Sync.push(store, Sync.changeSet(Sync.hub, 1, [
                (.createReport(Sync.report("r1")), "r1"), (.createReport(Sync.report("r2", ward: "phuong-him-lam")), "r2"),
            ]), by: Sync.hub)
            let scope = try await store.scopeReports(for: Sync.officer, changedAfter: nil)
            #expect(scope.serverVersion == 2 && scope.records.map(\.id) == ["r1"])
            _ = try await Sync.push(store, Sync.changeSet(Sync.hub, 2, [(.setField(.assignedUnit, .text("phuong-muong-thanh")), "r2")]), by: Sync.hub)
            let changed = try await store.scopeReports(for: Sync.officer, changedAfter: 2)
            #expect(changed.serverVersion == 3 && changed.records.map(\.id) == ["r2"])
            // The records are stored ones, not redacted: the page redacts what it keeps.
            #expect(changed.records.first?.report.reporter.phone == "0912")
            #expect(try await store.databaseBytes() > 0)
        }
    }
}

extension CompactionSummary {
    func with(removed: Int) -> CompactionSummary {
        CompactionSummary(compactedThrough: compactedThrough, entriesRemoved: removed)
    }
}
