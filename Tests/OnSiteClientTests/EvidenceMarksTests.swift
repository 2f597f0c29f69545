import Foundation
import GRDB
@testable import OnSiteClient
import OnSiteClientTesting
import OnSiteCore
import OnSiteCrypto
@testable import OnSiteRelay
import OnSiteSync
import Testing

/// Issue 14 on the device: the signatures kept from pulls, the marks of `onsite show`, and the bundle reader's
/// refusals of hostile files.
@Suite("Signed evidence: marks and bundles")
struct EvidenceMarksTests {
    @Test("a supervisor's snapshot brings each verification's signed operation and Lan's key: marked verified by her name")
    func snapshotMarksVerified() async throws {
        let bench = try FieldBench()
        defer { bench.remove() }
        let (_, lan, minh) = try await bench.twoOfficers()
        _ = try await lan.client.verify("DB-2024-00101", VerificationRequest(finding: .confirmed, notes: "Đúng phản ánh", latitude: 21.386, longitude: 103.017))
        _ = try await lan.sync()
        // Minh pulls it as a change; a new supervisor pulls it in a snapshot
        _ = try await minh.sync()
        let supervisor = try await bench.enroll("Sở Xây dựng", role: .supervisor, units: ["dien-bien"])
        _ = try await supervisor.sync()
        for device in [minh, supervisor, lan] {
            let marks = try await device.client.evidenceMarks(of: "DB-2024-00101")
            let verification = try #require(marks.first { $0.item == .verification })
            #expect(verification.state == .verified, "\(device.name): \(marks)")
            #expect(verification.deviceName == lan.name && verification.deviceId == lan.relay.actor.deviceId)
        }
    }

    @Test("a finding edited in the relay's state is altered; edited in its log row, the signature fails; another device's key is unknown")
    func tamperedMarks() async throws {
        let bench = try FieldBench()
        defer { bench.remove() }
        let (_, lan, _) = try await bench.twoOfficers()
        _ = try await lan.client.verify("DB-2024-00101", VerificationRequest(finding: .partlyConfirmed, notes: "Một phần", latitude: 21.386, longitude: 103.017))
        _ = try await lan.sync()
        let reportId = try await lan.client.replica.report("DB-2024-00101").record.id
        try await bench.store.writer.write { db in
            let data = try #require(try Data.fetchOne(db, sql: "SELECT state FROM report WHERE id = ?", arguments: [reportId]))
            var record = try WireCoding.decode(ReportRecord.self, from: data)
            record.verifications[0].finding = .confirmed
            try db.execute(sql: "UPDATE report SET state = ? WHERE id = ?", arguments: [try WireCoding.encode(record), reportId])
        }
        let first = try await bench.enroll("Sở A", role: .supervisor, units: ["dien-bien"])
        _ = try await first.sync()
        let altered = try #require(try await first.client.evidenceMarks(of: "DB-2024-00101").first { $0.item == .verification })
        #expect(altered.state == .altered && altered.fields == ["finding"])
        try await bench.store.writer.write { db in
            try db.execute(sql: """
                UPDATE log SET operation = CAST(replace(CAST(operation AS TEXT), 'partly_confirmed', 'not_confirmed') AS BLOB)
                WHERE reportId = ? AND CAST(operation AS TEXT) LIKE '%add_verification%'
                """, arguments: [reportId])
        }
        let second = try await bench.enroll("Sở B", role: .supervisor, units: ["dien-bien"])
        _ = try await second.sync()
        let broken = try #require(try await second.client.evidenceMarks(of: "DB-2024-00101").first { $0.item == .verification })
        #expect(broken.state == .badSignature)
        // The same pulled operation checked with a key another device registered: unknown
        let pulled = try await first.client.replica.pulledEvidence(of: reportId)
        let other = try Ed25519PrivateKey.generate().publicKey
        let foreign = pulled.keys.mapValues { SignerKey(keyId: $0.keyId, deviceId: "someone-else", deviceName: "X",
                                                         publicKey: Data(other.rawRepresentation).base64EncodedString()) }
        let record = try await first.client.replica.report("DB-2024-00101").record
        #expect(EvidenceCheck.marks(of: record, signed: pulled.entries, keys: foreign).first?.state == .unknownKey)
        #expect(EvidenceCheck.marks(of: record, signed: [:], keys: [:]).first?.state == .notHeld)
    }

    @Test("an officer of another unit is served neither the evidence nor the keys of reports it cannot see")
    func scopedKeys() async throws {
        let bench = try FieldBench()
        defer { bench.remove() }
        let (_, lan, _) = try await bench.twoOfficers()
        _ = try await lan.client.verify("DB-2024-00101", VerificationRequest(finding: .confirmed, notes: "", latitude: 21.386, longitude: 103.017))
        _ = try await lan.sync()
        let outsider = Actor(deviceId: "outsider", role: .officer, units: ["xa-khong-lien-quan"])
        let page = try await bench.store.pull(since: 0, limit: 500, for: outsider)
        #expect(page.evidence.isEmpty && page.signers.isEmpty)
        let supervisor = Actor(deviceId: "sv", role: .supervisor, units: ["dien-bien"])
        let seen = try await bench.store.pull(since: 0, limit: 500, for: supervisor)
        #expect(seen.signers.map(\.deviceId) == [lan.relay.actor.deviceId])
        #expect(seen.evidence.contains { $0.operation.evidenceRecordId != nil })
        await #expect(throws: RelayError.self) { try await bench.store.evidenceProof(of: "DB-2024-00101", for: outsider) }
    }

    // MARK: Hostile bundles

    static func archive(_ members: [(name: String, size: Int64, bytes: Data, type: UInt8)]) -> Data {
        var data = Data()
        for member in members {
            var header = BundleArchive.header(name: member.name, size: member.size, modified: Date(timeIntervalSince1970: 0))
            if member.type != UInt8(ascii: "0") {
                header[156] = member.type
                // Recompute the checksum for the changed type flag.
                for index in 148..<156 { header[index] = 32 }
                let sum = header.reduce(0) { $0 + Int($1) }
                let digits = Array(String(format: "%06o", sum).utf8)
                for (index, digit) in digits.enumerated() { header[148 + index] = digit }
                header[154] = 0
            }
            data += Data(header) + member.bytes + Data(count: BundleArchive.padding(after: Int64(member.bytes.count)))
        }
        return data + Data(count: 1024)
    }

    static func refusal(_ data: Data) throws -> EvidenceBundleError? {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bundle-\(UUID().uuidString)").path
        try data.write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try EvidenceBundleVerifier.verify(path: path)
            return nil
        } catch {
            return error
        }
    }

    @Test("hostile bundles are refused with a sentence: traversal names, links, huge or lying sizes, bad checksums, garbage")
    func hostileBundles() throws {
        let json = Data("{}".utf8)
        let cases: [(Data, String)] = [
            (Self.archive([("../../etc/passwd", 2, json, UInt8(ascii: "0"))]), "first member is not manifest.json"),
            (Self.archive([("manifest.json", 2, json, UInt8(ascii: "2"))]), "not a regular file"),
            (Self.archive([("manifest.json", 1 << 40, json, UInt8(ascii: "0"))]), "but only"),
            (Self.archive([("manifest.json", 2, json, UInt8(ascii: "0"))]), "not a bundle description"),
            (Data(repeating: 0x41, count: 2048), "checksum"),
            (Data(), "ends without its end marker"),
        ]
        for (data, expected) in cases {
            let error = try #require(try Self.refusal(data), "\(expected)")
            #expect(error.description.contains(expected), "\(error)")
            #expect(error.description.hasPrefix("The bundle was refused"), "\(error)")
        }
        // A manifest larger than 16 MiB is refused before it is read (a sparse file: no memory, no disk)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bundle-\(UUID().uuidString)").path
        let size: Int64 = 64 << 20
        try Data(BundleArchive.header(name: "manifest.json", size: size, modified: Date())).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(size) + 2048)
        try handle.close()
        #expect(throws: EvidenceBundleError.tooLarge(member: "manifest.json", size: size, limit: EvidenceBundleManifest.maxManifestBytes)) {
            try EvidenceBundleVerifier.verify(path: path)
        }
    }
}
