import Foundation
import GRDB
@testable import OnSiteClient
import OnSiteClientTesting
import OnSiteCore
import OnSiteCrypto
@testable import OnSiteRelay
import OnSiteSync
import Testing

/// Issue 14 on the device: its key, the signatures of what it sends, and the vectors signed with the test key.
@Suite("Signed evidence: the device")
struct EvidenceSigningTests {
    struct VectorFile: Decodable {
        struct Key: Decodable { var seed: String; var publicKey: String; var keyId: String }
        struct Case: Decodable { var description: String; var operation: SyncOperation; var signature: OperationSignature }
        var key: Key
        var cases: [Case]
    }

    static func vectors() throws -> VectorFile {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Protocol/vectors/evidence/operations.json")
        return try WireCoding.decode(VectorFile.self, from: Data(contentsOf: url))
    }

    @Test("signing each vector operation with the test key gives the vector's signature, byte for byte")
    func vectors() throws {
        let file = try Self.vectors()
        let seed = try #require(Data(hexadecimal: file.key.seed))
        let key = DeviceSigningKey(privateKey: try Ed25519PrivateKey(rawRepresentation: Array(seed)), deviceId: "dev-officer-a", registeredAt: Date())
        #expect(Data(key.privateKey.publicKey.rawRepresentation).base64EncodedString() == file.key.publicKey)
        #expect(key.keyId == file.key.keyId)
        for vector in file.cases {
            #expect(try key.signed(vector.operation).signature == vector.signature, "\(vector.description)")
        }
    }

    @Test("a device registers its key at its first sync and signs what it sends; the relay's audit checks it")
    func signsAfterRegistration() async throws {
        let bench = try FieldBench()
        defer { bench.remove() }
        let (_, lan, _) = try await bench.twoOfficers()
        // Given Lan synced once: her key is on the relay
        let keys = try await bench.store.deviceKeys().filter { $0.deviceId == lan.relay.actor.deviceId }
        #expect(keys.count == 1)
        // When she records a verification with a position and syncs
        _ = try await lan.client.verify("DB-2024-00101", VerificationRequest(finding: .confirmed, notes: "Đúng phản ánh", latitude: 21.386, longitude: 103.017))
        let report = try await lan.sync()
        #expect(report.rejected.isEmpty)
        // Then the relay holds it signed by her key, and the audit checks it
        let logged = try await bench.store.writer.read { db in
            try Data.fetchAll(db, sql: "SELECT operation FROM log WHERE deviceId = ?", arguments: [lan.relay.actor.deviceId])
        }
        let operations = try logged.map { try WireCoding.decode(SyncOperation.self, from: $0) }
        #expect(!operations.isEmpty && operations.allSatisfy { $0.signature?.keyId == keys.first?.keyId })
        let audit = try await bench.store.audit(relayKey: nil, blobs: nil)
        #expect(audit.isIntact, "\(audit.breaks)")
        #expect(audit.signaturesChecked >= operations.count && audit.unsignedOperations == 0 && audit.recordsChecked >= 1)
    }

    @Test("a change set frozen before the key was registered is signed when it is sent")
    func frozenBeforeRegistration() async throws {
        let bench = try FieldBench()
        defer { bench.remove() }
        _ = try await bench.seededHub()
        let hoa = try await bench.enroll("Hoa", role: .officer, units: [FieldBench.wards[0]])
        // Given Hoa pulled, noted and froze a change set before any push registered her key
        var pulled = SyncReport()
        try await SyncEngine(replica: hoa.client.replica).pull(client: hoa.relay, into: &pulled)
        _ = try await hoa.client.addNote("Đã đến hiện trường", to: "DB-2024-00101")
        let frozen = try #require(try await hoa.client.replica.nextChangeSet(limit: 100))
        #expect(try WireCoding.decode(ChangeSet.self, from: frozen.body).operations.allSatisfy { $0.signature == nil })
        // When she syncs
        let report = try await hoa.sync()
        // Then her key is registered first and the frozen change set goes signed and applies
        #expect(report.rejected.isEmpty && report.operationsApplied == 1)
        let logged = try await bench.store.writer.read { db in
            try Data.fetchAll(db, sql: "SELECT operation FROM log WHERE deviceId = ?", arguments: [hoa.relay.actor.deviceId])
        }
        #expect(logged.count == 1)
        #expect(try logged.allSatisfy { try WireCoding.decode(SyncOperation.self, from: $0).signature != nil })
        #expect(try await bench.store.audit(relayKey: nil, blobs: nil).isIntact)
    }

    @Test("re-enrolment as another device makes a new key; the old one stays, and stays on the relay")
    func reenrolment() async throws {
        let bench = try FieldBench()
        defer { bench.remove() }
        let (_, lan, _) = try await bench.twoOfficers()
        let first = try #require(try await lan.client.replica.currentDeviceKey())
        #expect(first.registeredAt != nil)
        // When Lan's replica is enrolled again as a new device of the relay
        let id = "Lan-moved-\(UUID().uuidString.prefix(8))"
        try await bench.store.addDevice(DeviceRecord(id: id, name: "Lan", role: .officer, units: [FieldBench.wards[0]],
                                                     tokenHash: UUID().uuidString, createdAt: bench.time.now))
        let profile = DeviceProfile(deviceId: id, name: "Lan", role: .officer, units: [FieldBench.wards[0]], serverVersion: 0,
                                    serverTimeMillis: bench.time.nowMillis)
        try await lan.client.enroll(relay: "http://127.0.0.1:1", token: "ost_\(id)", caCertificate: nil, replace: true, move: true,
                                    askRelay: { _ in profile })
        // Then it signs with a new key, and the relay keeps the old one for what it signed
        let second = try #require(try await lan.client.replica.currentDeviceKey())
        #expect(first.keyId != second.keyId && second.registeredAt == nil)
        #expect(try await bench.store.deviceKeys().contains { $0.keyId == first.keyId })
    }
}
