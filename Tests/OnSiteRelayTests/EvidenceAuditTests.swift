import Foundation
import GRDB
import OnSiteCore
import OnSiteCrypto
@testable import OnSiteRelay
import OnSiteSync
import Testing

/// Issue 14 on the relay: signature checks of pushed operations, the log chain, checkpoints, and `audit`
/// catching each kind of tampering made directly in the relay's database or blob folder.
@Suite("Signed evidence and the log chain: the relay")
struct EvidenceAuditTests {
    typealias Fixture = RelayRouteTests.Fixture

    static let vectorsRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Protocol/vectors/evidence")

    struct VectorFile: Decodable {
        struct Key: Decodable { var seed: String; var publicKey: String; var keyId: String }
        struct Case: Decodable { var description: String; var operation: SyncOperation; var signature: OperationSignature }
        var key: Key
        var cases: [Case]
    }

    static func vectors() throws -> VectorFile {
        try WireCoding.decode(VectorFile.self, from: Data(contentsOf: vectorsRoot.appendingPathComponent("operations.json")))
    }

    // MARK: Vectors

    @Test("each vector's signature verifies against the vector key; an edited, unsigned or foreign-key operation does not")
    func vectorSignatures() throws {
        let file = try Self.vectors()
        let key = try Ed25519PublicKey(rawRepresentation: Array(try #require(Data(base64Encoded: file.key.publicKey))))
        #expect(key.keyId == file.key.keyId)
        let keys = [key.keyId: key]
        for vector in file.cases {
            var operation = vector.operation
            operation.signature = vector.signature
            #expect(DeviceKeyCache.refusal(of: operation, keys: keys) == nil, "\(vector.description)")
            // A changed stamp counter stands for any changed byte.
            var edited = operation
            edited.stamp.counter += 1
            #expect(DeviceKeyCache.refusal(of: edited, keys: keys)?.code == .badSignature)
            var unsigned = operation
            unsigned.signature = nil
            #expect(DeviceKeyCache.refusal(of: unsigned, keys: keys)?.code == .missingSignature)
            #expect(DeviceKeyCache.refusal(of: unsigned, keys: [:]) == nil, "a device without a key sends unsigned operations")
            #expect(DeviceKeyCache.refusal(of: operation, keys: [:])?.code == .badSignature)
        }
    }

    // MARK: Pushes

    struct Signed {
        let fixture: Fixture
        let key: Ed25519PrivateKey
        let officer: Actor
        let hub: Actor
        let photo = Data("ảnh hiện trường \u{FF}\u{D8}".utf8)
        var photoHash: String { SHA256.hash(photo).hex }

        init() async throws {
            fixture = try await Fixture()
            key = try Ed25519PrivateKey.generate()
            officer = Actor(deviceId: fixture.officer.id, role: .officer, units: ["phuong-muong-thanh"])
            hub = Actor(deviceId: fixture.hub.id, role: .hub, units: ["dien-bien"])
            _ = try await fixture.server.store.registerKey(
                DeviceKeyRegistration(publicKey: Data(key.publicKey.rawRepresentation).base64EncodedString()), for: officer.deviceId)
        }

        var store: RelayStore { fixture.server.store }

        func sign(_ operation: SyncOperation) throws -> SyncOperation {
            var signed = operation
            signed.signature = OperationSignature(keyId: key.publicKey.keyId,
                                                  value: Data(try key.sign(try operation.signedBytes())).base64EncodedString())
            return signed
        }

        func push(_ changeSet: ChangeSet, by actor: Actor) async throws -> PushResult {
            try await store.accept(try WireCoding.encode(changeSet), from: actor, limits: SyncLimits()).1
        }

        /// The hub's report, then the officer's signed verification and photo record; the photo's bytes in the blob folder.
        func seed() async throws -> (verification: Verification, attachment: OnSiteCore.Attachment) {
            _ = try await push(fixture.changeSet(from: hub.deviceId, sequence: 1, [(.createReport(fixture.report("r1", commune: "phuong-muong-thanh")), "r1")]), by: hub)
            let verification = Verification(reportId: "r1", officer: "Lò Văn Minh", visitedAt: Date(timeIntervalSince1970: 1_713_432_300),
                                            position: GeoPoint(latitude: 21.38705, longitude: 103.02011), finding: .partlyConfirmed, notes: "Bàn ghế chiếm vỉa hè.")
            let attachment = OnSiteCore.Attachment(reportId: "r1", sha256: photoHash, byteCount: Int64(photo.count), contentType: "image/jpeg",
                                        fileName: "IMG_0412.jpg", verificationId: verification.id, addedBy: "Lò Văn Minh",
                                        addedAt: Date(timeIntervalSince1970: 1_713_432_400),
                                        capture: CaptureCheck(position: GeoPoint(latitude: 21.38709, longitude: 103.02027), capturedAt: nil,
                                                              distanceToSite: 38.6, isCapturedAfterReceipt: true, warnings: []))
            var changeSet = fixture.changeSet(from: officer.deviceId, sequence: 1, [(.addVerification(verification), "r1"), (.addAttachment(attachment), "r1")])
            changeSet.operations = try changeSet.operations.map(sign)
            let result = try await push(changeSet, by: officer)
            #expect(result.results.map(\.outcome) == [.applied, .applied])
            let path = store.blobs.blobPath(photoHash)
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try photo.write(to: URL(fileURLWithPath: path))
            return (verification, attachment)
        }

        func audit() async throws -> AuditReport {
            try await store.audit(relayKey: store.checkpointKey?.publicKey, blobs: store.blobs)
        }

        /// Rewrites every chain hash from the start, as someone covering an edit would.
        func rechain() async throws {
            try await store.writer.write { db in
                var previous = LogChain.genesis
                for row in try Row.fetchAll(db, sql: "SELECT version, operationId, changeSetId, deviceId, reportId, operation FROM log ORDER BY version") {
                    let entry = LogChain.Entry(version: row["version"], operationId: row["operationId"], changeSetId: row["changeSetId"],
                                               deviceId: row["deviceId"], reportId: row["reportId"], operation: row["operation"])
                    previous = LogChain.hash(previous: previous, entry)
                    try db.execute(sql: "UPDATE log SET chainHash = ? WHERE version = ?", arguments: [Data(previous), entry.version])
                }
            }
        }

        func version(of kind: String) async throws -> Int64 {
            try await store.writer.read { db in
                try Int64.fetchOne(db, sql: "SELECT version FROM log WHERE instr(operation, ?) > 0", arguments: [Data("\"\(kind)\"".utf8)]) ?? 0
            }
        }
    }

    @Test("a push refuses an unsigned, a wrongly signed and an edited operation by name; the rest applies")
    func pushChecksSignatures() async throws {
        let signed = try await Signed()
        _ = try await signed.seed()
        let note = { (text: String) in Change.addNote(Note(author: "Minh", at: Date(timeIntervalSince1970: 1_713_432_500), text: text)) }
        var changeSet = signed.fixture.changeSet(from: signed.officer.deviceId, sequence: 2, [(note("ký đúng"), "r1"), (note("không ký"), "r1"), (note("bị sửa"), "r1")])
        changeSet.operations[0] = try signed.sign(changeSet.operations[0])
        changeSet.operations[2] = try signed.sign(changeSet.operations[2])
        changeSet.operations[2].change = note("đã sửa sau khi ký")
        let result = try await signed.push(changeSet, by: signed.officer)
        #expect(result.results.map(\.outcome) == [.applied, .rejected, .rejected])
        #expect(result.results[1].reason?.code == .missingSignature)
        #expect(result.results[2].reason?.code == .badSignature)
        #expect(result.results[2].reason?.message.contains("changed after it was signed") == true)
        // And a device that never registered a key still pushes unsigned (devices from before signatures)
        let other = Actor(deviceId: signed.fixture.otherWard.id, role: .officer, units: ["phuong-him-lam"])
        _ = try await signed.push(signed.fixture.changeSet(from: signed.hub.deviceId, sequence: 2, [(.createReport(signed.fixture.report("r2", commune: "phuong-him-lam")), "r2")]), by: signed.hub)
        let unsigned = try await signed.push(signed.fixture.changeSet(from: other.deviceId, sequence: 1, [(note("thiết bị cũ"), "r2")]), by: other)
        #expect(unsigned.results.map(\.outcome) == [.applied])
        let report = try await signed.audit()
        #expect(report.isIntact, "\(report.breaks)")
        #expect(report.unsignedOperations == 3)  // the hub's two creations and the old device's note
        #expect(report.signaturesChecked == 3)
    }

    @Test("key registration: idempotent; another device's key, a malformed key are refused and change nothing")
    func registration() async throws {
        let signed = try await Signed()
        let publicKey = Data(signed.key.publicKey.rawRepresentation).base64EncodedString()
        let again = try await signed.store.registerKey(DeviceKeyRegistration(publicKey: publicKey), for: signed.officer.deviceId)
        #expect(again.keyId == signed.key.publicKey.keyId)
        for (key, device) in [(publicKey, signed.hub.deviceId), ("AAAA", signed.hub.deviceId), (String(repeating: "A", count: 44), signed.hub.deviceId)] {
            do {
                _ = try await signed.store.registerKey(DeviceKeyRegistration(publicKey: key), for: device)
                if key != String(repeating: "A", count: 44) { Issue.record("registered \(key) for \(device)") }
            } catch let error as RelayError {
                #expect(error.detail.code == .invalidKey)
            }
        }
        #expect(try await signed.store.deviceKeys().filter { $0.deviceId == signed.officer.deviceId }.count == 1)
    }

    // MARK: The chain and audit

    @Test("an untouched relay audits clean; /healthz's head is the last entry's hash")
    func clean() async throws {
        let signed = try await Signed()
        _ = try await signed.seed()
        let report = try await signed.audit()
        #expect(report.isIntact, "\(report.breaks)")
        #expect(report.entriesChecked == 3 && report.signaturesChecked == 2 && report.recordsChecked == 2 && report.blobsChecked == 1)
        let head = try await signed.store.chainHead()
        let last = try await signed.store.writer.read { db in try Data.fetchOne(db, sql: "SELECT chainHash FROM log ORDER BY version DESC LIMIT 1") }
        #expect(head.version == 3 && head.hash == last?.hexadecimal)
    }

    @Test("a finding edited in a log row: the chain breaks there; rechained, the device's signature still names it")
    func findingInLog() async throws {
        let signed = try await Signed()
        _ = try await signed.seed()
        let version = try await signed.version(of: "add_verification")
        try await signed.store.writer.write { db in
            try db.execute(sql: "UPDATE log SET operation = CAST(replace(CAST(operation AS TEXT), 'partly_confirmed', 'confirmed') AS BLOB) WHERE version = ?",
                           arguments: [version])
        }
        let report = try await signed.audit()
        let first = try #require(report.breaks.first)
        #expect(first.kind == .chain && first.version == version && first.reportId == "r1")
        #expect(report.breaks.contains { $0.kind == .signature && $0.version == version })
        // When the editor also rewrites every chain hash
        try await signed.rechain()
        let rechained = try await signed.audit()
        // The checkpoint the relay signed at that evidence entry no longer matches: a rewritten chain is caught too
        #expect(rechained.breaks.first?.kind == .checkpoint && rechained.breaks.first?.version == version)
        let signature = try #require(rechained.breaks.first { $0.kind == .signature })
        #expect(signature.message.contains("log version \(version) (add_verification on report r1"))
        #expect(signature.message.contains("bad_signature"))
        #expect(rechained.breaks.contains { $0.kind == .record })
    }

    @Test("a position edited in a report's stored state is named with its field")
    func positionInState() async throws {
        let signed = try await Signed()
        let (verification, _) = try await signed.seed()
        try await signed.store.writer.write { db in
            let data = try #require(try Data.fetchOne(db, sql: "SELECT state FROM report WHERE id = 'r1'"))
            var record = try WireCoding.decode(ReportRecord.self, from: data)
            record.verifications[0].position = GeoPoint(latitude: 21.40000, longitude: 103.02011)
            try db.execute(sql: "UPDATE report SET state = ? WHERE id = 'r1'", arguments: [try WireCoding.encode(record)])
        }
        let report = try await signed.audit()
        #expect(report.breaks.count == 1)
        let found = try #require(report.breaks.first)
        #expect(found.kind == .record && found.reportId == "r1")
        #expect(found.message.contains("verification \(verification.id): position differ"))
    }

    @Test("a photo's EXIF summary edited in the state, and a byte of its blob changed, are both named")
    func photo() async throws {
        let signed = try await Signed()
        _ = try await signed.seed()
        try await signed.store.writer.write { db in
            let data = try #require(try Data.fetchOne(db, sql: "SELECT state FROM report WHERE id = 'r1'"))
            var record = try WireCoding.decode(ReportRecord.self, from: data)
            record.attachments[0].capture?.distanceToSite = 5
            try db.execute(sql: "UPDATE report SET state = ? WHERE id = 'r1'", arguments: [try WireCoding.encode(record)])
        }
        let path = signed.store.blobs.blobPath(signed.photoHash)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[3] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: path))
        let report = try await signed.audit()
        #expect(report.breaks.map(\.kind) == [.record, .blob])
        #expect(report.breaks[0].message.contains("capture (EXIF position and time)"))
        #expect(report.breaks[1].message.contains("photo IMG_0412.jpg: the blob \(signed.photoHash) on disk now hashes to"))
    }

    @Test("a deleted log row breaks the chain at the next one")
    func deletedRow() async throws {
        let signed = try await Signed()
        _ = try await signed.seed()
        let version = try await signed.version(of: "add_verification")
        try await signed.store.writer.write { db in try db.execute(sql: "DELETE FROM log WHERE version = ?", arguments: [version]) }
        let report = try await signed.audit()
        #expect(report.breaks.first?.kind == .chain)
        #expect(report.breaks.first?.version == version + 1)
    }

    @Test("compaction keeps a signed checkpoint at its boundary: the rest of the chain still audits; an edited checkpoint does not")
    func compaction() async throws {
        let signed = try await Signed()
        _ = try await signed.seed()
        let summary = try await signed.store.compact(through: 2)
        #expect(summary.compactedThrough == 2)
        let report = try await signed.audit()
        #expect(report.isIntact, "\(report.breaks)")
        let checkpoints = try await signed.store.writer.read { db in try ChainCheckpoint.fetchAll(db) }
        #expect(report.entriesChecked == 1 && report.checkpointsChecked == checkpoints.count)
        let key = try #require(signed.store.checkpointKey)
        // The boundary's, and one at each evidence entry (`Protocol/evidence.md`, "Evidence checkpoints")
        #expect(checkpoints.contains { $0.version == 2 } && checkpoints.allSatisfy { $0.isSigned(by: key.publicKey) })
        // A new append continues the chain from the retained entry
        _ = try await signed.push(signed.fixture.changeSet(from: signed.hub.deviceId, sequence: 2, [(.createReport(signed.fixture.report("r3", commune: "phuong-him-lam")), "r3")]), by: signed.hub)
        #expect(try await signed.audit().isIntact)
        try await signed.store.writer.write { db in
            try db.execute(sql: "UPDATE chainCheckpoint SET chainHash = zeroblob(32) WHERE version = 2")
        }
        let edited = try await signed.audit()
        #expect(edited.breaks.first?.kind == .checkpoint && edited.breaks.first?.version == 2)
    }
}
