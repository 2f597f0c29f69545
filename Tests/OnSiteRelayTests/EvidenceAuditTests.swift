import Foundation
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

    /// A relay on either store with a hub, an officer holding a registered signing key, and the relay's own key.
    struct Signed {
        let fixture: Fixture
        let key: Ed25519PrivateKey
        let officer: Actor
        let hub: Actor
        /// Edits straight in the store's database.
        let tampering: StoreTampering
        let photo = Data("ảnh hiện trường \u{FF}\u{D8}".utf8)
        var photoHash: String { SHA256.hash(photo).hex }

        init(_ kind: StoreKind = .sqlite) async throws {
            fixture = try await Fixture(kind)
            key = try Ed25519PrivateKey.generate()
            officer = Actor(deviceId: fixture.officer.id, role: .officer, units: ["phuong-muong-thanh"])
            hub = Actor(deviceId: fixture.hub.id, role: .hub, units: ["dien-bien"])
            tampering = try StoreTampering(fixture.server.storage)
            _ = try await fixture.server.storage.registerKey(
                DeviceKeyRegistration(publicKey: Data(key.publicKey.rawRepresentation).base64EncodedString()), for: officer.deviceId, at: Date())
        }

        var storage: any RelayStorage { fixture.server.storage }
        /// The SQLite store, for tests that only run on it (`StoreImportTests` imports it into PostgreSQL).
        var store: RelayStore { fixture.server.store }
        /// The blob folder the relay serves (the SQLite store's neighbour, or the data folder PostgreSQL relays share).
        var blobs: RelayBlobStore { fixture.server.blobs }

        /// The relay's checkpoint key, as `onsite-relay audit` reads it from the data folder.
        func relayKey() throws -> Ed25519PrivateKey? {
            try Ed25519PrivateKey.load(at: fixture.server.configuration.relayKeyPath)
        }

        func sign(_ operation: SyncOperation) throws -> SyncOperation {
            var signed = operation
            signed.signature = OperationSignature(keyId: key.publicKey.keyId,
                                                  value: Data(try key.sign(try operation.signedBytes())).base64EncodedString())
            return signed
        }

        func push(_ changeSet: ChangeSet, by actor: Actor) async throws -> PushResult {
            try await storage.accept(try WireCoding.encode(changeSet), from: actor, limits: SyncLimits()).1
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
            let path = blobs.blobPath(photoHash)
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try photo.write(to: URL(fileURLWithPath: path))
            return (verification, attachment)
        }

        func audit() async throws -> AuditReport {
            try await storage.audit(relayKey: try relayKey()?.publicKey, blobs: blobs)
        }

        /// The log version of the first operation of this kind (`add_verification`, …).
        func version(of kind: String) async throws -> Int64 {
            try await tampering.logVersion(containing: "\"\(kind)\"")
        }

        /// Folds the log through `version` (``RelayStore/compact(through:)``, on either store).
        func compact(through version: Int64) async throws -> CompactionSummary {
            if let sqlite = storage as? RelayStore { return try await sqlite.compact(through: version) }
            let postgres = try #require(storage as? PostgresRelayStore)
            return try await postgres.compact(through: version)
        }
    }

    @Test("a push refuses an unsigned, a wrongly signed and an edited operation by name; the rest applies", arguments: StoreKind.allCases)
    func pushChecksSignatures(kind: StoreKind) async throws {
        let signed = try await Signed(kind)
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
        let again = try await signed.storage.registerKey(DeviceKeyRegistration(publicKey: publicKey), for: signed.officer.deviceId, at: Date())
        #expect(again.keyId == signed.key.publicKey.keyId)
        for (key, device) in [(publicKey, signed.hub.deviceId), ("AAAA", signed.hub.deviceId), (String(repeating: "A", count: 44), signed.hub.deviceId)] {
            do {
                _ = try await signed.storage.registerKey(DeviceKeyRegistration(publicKey: key), for: device, at: Date())
                if key != String(repeating: "A", count: 44) { Issue.record("registered \(key) for \(device)") }
            } catch let error as RelayError {
                #expect(error.detail.code == .invalidKey)
            }
        }
        #expect(try await signed.storage.deviceKeys().filter { $0.deviceId == signed.officer.deviceId }.count == 1)
    }

    // MARK: The chain and audit

    @Test("an untouched relay audits clean; /healthz's head is the last entry's hash", arguments: StoreKind.allCases)
    func clean(kind: StoreKind) async throws {
        // Given: a report, the officer's signed verification and photo record, the photo's bytes in the blob folder
        let signed = try await Signed(kind)
        _ = try await signed.seed()
        // When: the relay is audited
        let report = try await signed.audit()
        // Then: nothing breaks, and every entry, signature, record, checkpoint and blob was looked at
        #expect(report.isIntact, "\(report.breaks)")
        #expect(report.entriesChecked == 3 && report.signaturesChecked == 2 && report.recordsChecked == 2 && report.blobsChecked == 1)
        let checkpoints = try await signed.tampering.checkpoints()
        #expect(report.checkpointsChecked == checkpoints.count && checkpoints.count >= 2, "one at each evidence entry")
        let head = try await signed.storage.chainHead()
        let last = try await signed.tampering.newestChainHash()
        #expect(head.version == 3 && head.hash == last?.hexadecimal)
    }

    @Test("a finding edited in a log row: the chain breaks there; rechained, the device's signature still names it", arguments: StoreKind.allCases)
    func findingInLog(kind: StoreKind) async throws {
        let signed = try await Signed(kind)
        _ = try await signed.seed()
        let version = try await signed.version(of: "add_verification")
        try #require(version > 0)
        try await signed.tampering.replaceInOperation(at: version, "partly_confirmed", with: "confirmed")
        let report = try await signed.audit()
        let first = try #require(report.breaks.first)
        #expect(first.kind == .chain && first.version == version && first.reportId == "r1")
        #expect(report.breaks.contains { $0.kind == .signature && $0.version == version })
        // When the editor also rewrites every chain hash
        try await signed.tampering.rechain()
        let rechained = try await signed.audit()
        // The checkpoint the relay signed at that evidence entry no longer matches: a rewritten chain is caught too
        #expect(rechained.breaks.first?.kind == .checkpoint && rechained.breaks.first?.version == version)
        let signature = try #require(rechained.breaks.first { $0.kind == .signature })
        #expect(signature.message.contains("log version \(version) (add_verification on report r1"))
        #expect(signature.message.contains("bad_signature"))
        #expect(rechained.breaks.contains { $0.kind == .record })
    }

    @Test("a position edited in a report's stored state is named with its field", arguments: StoreKind.allCases)
    func positionInState(kind: StoreKind) async throws {
        let signed = try await Signed(kind)
        let (verification, _) = try await signed.seed()
        try await signed.tampering.editState(of: "r1") { record in
            record.verifications[0].position = GeoPoint(latitude: 21.40000, longitude: 103.02011)
        }
        let report = try await signed.audit()
        #expect(report.breaks.count == 1)
        let found = try #require(report.breaks.first)
        let version = try await signed.version(of: "add_verification")
        #expect(found.kind == .record && found.reportId == "r1" && found.version == version)
        #expect(found.message.contains("verification \(verification.id): position differ"))
    }

    @Test("a finding edited in a report's stored state is named with both values and the signed version", arguments: StoreKind.allCases)
    func findingInState(kind: StoreKind) async throws {
        // Given: a clean relay
        let signed = try await Signed(kind)
        let (verification, _) = try await signed.seed()
        // When: the stored verification's finding is raised to "confirmed", the log left alone
        try await signed.tampering.editState(of: "r1") { record in record.verifications[0].finding = .confirmed }
        // Then: one record break at the version that added it, naming both findings
        let report = try await signed.audit()
        let version = try await signed.version(of: "add_verification")
        #expect(report.breaks.count == 1, "\(report.breaks)")
        let found = try #require(report.breaks.first)
        #expect(found.kind == .record && found.version == version && found.reportId == "r1")
        #expect(found.message.contains("verification \(verification.id): finding (confirmed, signed partly_confirmed)"))
    }

    @Test("a photo's EXIF summary edited in the state, and a byte of its blob changed, are both named", arguments: StoreKind.allCases)
    func photo(kind: StoreKind) async throws {
        let signed = try await Signed(kind)
        _ = try await signed.seed()
        try await signed.tampering.editState(of: "r1") { record in record.attachments[0].capture?.distanceToSite = 5 }
        let path = signed.blobs.blobPath(signed.photoHash)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[3] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: path))
        let report = try await signed.audit()
        #expect(report.breaks.map(\.kind) == [.record, .blob])
        #expect(report.breaks[0].message.contains("capture (EXIF position and time)"))
        #expect(report.breaks[1].message.contains("photo IMG_0412.jpg: the blob \(signed.photoHash) on disk now hashes to"))
    }

    @Test("a deleted log row breaks the chain at the next one", arguments: StoreKind.allCases)
    func deletedRow(kind: StoreKind) async throws {
        let signed = try await Signed(kind)
        _ = try await signed.seed()
        let version = try await signed.version(of: "add_verification")
        try #require(version > 0)
        try await signed.tampering.deleteLogRow(version)
        let report = try await signed.audit()
        #expect(report.breaks.first?.kind == .chain)
        #expect(report.breaks.first?.version == version + 1)
    }

    @Test("a checkpoint whose signature was edited is named at its version", arguments: StoreKind.allCases)
    func checkpointSignature(kind: StoreKind) async throws {
        // Given: a clean relay, which signed a checkpoint at the verification's entry
        let signed = try await Signed(kind)
        _ = try await signed.seed()
        let version = try await signed.version(of: "add_verification")
        #expect(try await signed.tampering.checkpoints().contains { $0.version == version && $0.signature != nil })
        // When: one bit of that checkpoint's signature is flipped
        try await signed.tampering.flipCheckpointSignatureBit(at: version)
        // Then: the audit's first break is that checkpoint, and only it
        let report = try await signed.audit()
        #expect(report.breaks.count == 1, "\(report.breaks)")
        let first = try #require(report.breaks.first)
        #expect(first.kind == .checkpoint && first.version == version)
        #expect(first.message.contains("its signature does not match the relay's key"))
    }

    @Test("compaction keeps a signed checkpoint at its boundary: the rest of the chain still audits; an edited checkpoint does not",
          arguments: StoreKind.allCases)
    func compaction(kind: StoreKind) async throws {
        let signed = try await Signed(kind)
        _ = try await signed.seed()
        let summary = try await signed.compact(through: 2)
        #expect(summary.compactedThrough == 2)
        let report = try await signed.audit()
        #expect(report.isIntact, "\(report.breaks)")
        let checkpoints = try await signed.tampering.checkpoints()
        #expect(report.entriesChecked == 1 && report.checkpointsChecked == checkpoints.count)
        let key = try #require(try signed.relayKey())
        // The boundary's, and one at each evidence entry (`Protocol/evidence.md`, "Evidence checkpoints")
        #expect(checkpoints.contains { $0.version == 2 } && checkpoints.allSatisfy { $0.isSigned(by: key.publicKey) })
        // A new append continues the chain from the retained entry
        _ = try await signed.push(signed.fixture.changeSet(from: signed.hub.deviceId, sequence: 2, [(.createReport(signed.fixture.report("r3", commune: "phuong-him-lam")), "r3")]), by: signed.hub)
        #expect(try await signed.audit().isIntact)
        try await signed.tampering.zeroCheckpointHash(at: 2)
        let edited = try await signed.audit()
        #expect(edited.breaks.first?.kind == .checkpoint && edited.breaks.first?.version == 2)
    }
}
