import Foundation
import OnSiteCore
@testable import OnSiteSync
import Testing

/// `Protocol/vectors/evidence/operations.json`: the canonical form of each operation, byte for byte.
@Suite("Protocol/vectors/evidence: canonical form")
struct EvidenceVectorTests {
    struct VectorFile: Decodable {
        struct Case: Decodable {
            var description: String
            var operation: SyncOperation
            var signedBytes: String
        }
        var cases: [Case]
    }

    static func cases() throws -> [VectorFile.Case] {
        try WireCoding.decode(VectorFile.self, from: Vectors.data("evidence", "operations.json")).cases
    }

    @Test("each operation's signed bytes are the vector's, made by another implementation")
    func signedBytes() throws {
        let cases = try Self.cases()
        #expect(cases.count >= 7)
        for vector in cases {
            let bytes = try vector.operation.signedBytes()
            #expect(bytes.map { String(format: "%02x", $0) }.joined() == vector.signedBytes, "\(vector.description)")
        }
    }

    @Test("the signature member is not part of what is signed")
    func signatureExcluded() throws {
        var operation = try #require(try Self.cases().first).operation
        let unsigned = try operation.signedBytes()
        operation.signature = OperationSignature(keyId: String(repeating: "a", count: 32), value: "x")
        #expect(try operation.signedBytes() == unsigned)
    }

    @Test("a change of one field changes the signed bytes", arguments: ["finding", "position", "visitedAt"])
    func edits(field: String) throws {
        let original = try #require(try Self.cases().first).operation
        guard case .addVerification(var verification) = original.change else { Issue.record("not a verification"); return }
        switch field {
        case "finding": verification.finding = .notConfirmed
        case "position": verification.position?.latitude += 0.00001
        default: verification.visitedAt.addTimeInterval(0.001)
        }
        var edited = original
        edited.change = .addVerification(verification)
        #expect(try edited.signedBytes() != original.signedBytes())
    }

    @Test("numbers: integers, shortest round-trip digits, never an exponent", arguments: [
        (21.0, "21"), (21.38705, "21.38705"), (0.00001, "0.00001"), (-0.000123, "-0.000123"), (1.5e20, "150000000000000000000"),
        (103.5, "103.5"), (9_007_199_254_740_993.0, "9007199254740992"),
    ])
    func numbers(value: Double, text: String) {
        #expect(CanonicalJSON.numberText(value) == text)
    }

    @Test("strings: NFC, only quote, backslash and control characters escaped")
    func strings() {
        var output: [UInt8] = []
        CanonicalJSON.writeString("Đ\u{0061}\u{0300}\"\\/\n\u{1F}", to: &output)
        #expect(String(decoding: output, as: UTF8.self) == "\"Đà\\\"\\\\/\\u000a\\u001f\"")
    }
}

@Suite("Records encode deterministically")
struct DeterministicRecordTests {
    @Test("equal records with sets built in different orders encode to the same bytes")
    func setsSorted() throws {
        let report = Report(id: "r1", code: "R1", title: "Ổ gà", description: "", category: "an-toan-giao-thong", location: nil, address: "Tổ 5",
                            area: AdministrativeArea(province: "dien-bien", district: "tp-dien-bien-phu", commune: "phuong-him-lam"),
                            reporter: Reporter(name: "Lò Văn Hùng", phone: "0912"), receivedAt: Date(timeIntervalSince1970: 1_713_312_000),
                            status: .forwarded, assignedUnit: "phuong-him-lam")
        let hashes = (0..<40).map { String(format: "%064x", $0) }
        let ids = (0..<40).map { _ in UUID() }
        var forward = ReportRecord(created: report, stamp: HybridTimestamp(wallMillis: 1, counter: 0, device: "d"))
        var backward = forward
        for hash in hashes { forward.availableBlobs.insert(hash) }
        for hash in hashes.reversed() { backward.availableBlobs.insert(hash) }
        for id in ids { forward.resolvedConflicts.insert(id) }
        for id in ids.reversed() { backward.resolvedConflicts.insert(id) }
        #expect(try WireCoding.encode(forward) == WireCoding.encode(backward))
        #expect(try WireCoding.decode(ReportRecord.self, from: WireCoding.encode(forward)) == forward)
    }
}
