import Foundation
import OnSiteCore
import OnSiteSync
import OnSiteTesting
import Testing

/// The one-pass canonical writer against the reference: decoding the wire JSON as a `CanonicalJSON` tree and
/// writing that (`Protocol/evidence.md`, "Canonical form"). Both must give the same bytes for every value.
@Suite("Canonical form: the one-pass writer")
struct CanonicalFormTests {
    static func reference(_ json: Data, omitting key: String? = nil) throws -> [UInt8] {
        let tree = try WireCoding.makeDecoder().decode(CanonicalJSON.self, from: json)
        return (key.map { tree.removing(key: $0) } ?? tree).canonicalBytes
    }

    static let vectorsFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Protocol/vectors/evidence/operations.json")

    @Test("every vector operation: the same bytes as the tree, and as the vector's signed bytes")
    func vectors() throws {
        struct File: Decodable {
            struct Case: Decodable { var operation: SyncOperation; var signedBytes: String }
            var cases: [Case]
        }
        let file = try WireCoding.decode(File.self, from: Data(contentsOf: Self.vectorsFile))
        #expect(!file.cases.isEmpty)
        for vector in file.cases {
            let json = try WireCoding.encode(vector.operation)
            let fast = try CanonicalJSON.canonicalBytes(ofJSON: json, omittingTopLevelKey: "signature")
            #expect(fast == (try Self.reference(json, omitting: "signature")))
            #expect(try vector.operation.signedBytes() == SyncOperation.signingContext + fast)
            let expected = stride(from: 0, to: vector.signedBytes.count, by: 2).compactMap { offset -> UInt8? in
                let start = vector.signedBytes.index(vector.signedBytes.startIndex, offsetBy: offset)
                return UInt8(vector.signedBytes[start..<vector.signedBytes.index(start, offsetBy: 2)], radix: 16)
            }
            #expect(SyncOperation.signingContext + fast == expected, "the bytes the vectors were made with, independently")
        }
    }

    @Test("random values: strings with escapes, control characters and decomposed Vietnamese; numbers of every shape; nesting")
    func randomValues() throws {
        struct Value: Encodable {
            var text: String
            var key: [String: Double]
            var integers: [Int64]
            var nested: [[String: String]]
            var flag: Bool?
        }
        var random = SeededGenerator(seed: 1_414)
        let pieces = ["a", "đ", "Ư", "e\u{0301}", "\u{1EC7}", "\"", "\\", "\n", "\u{01}", "/", " ", "Lò Thị Lan", "\u{0323}\u{0302}", "𝔸", "{", "]"]
        func text() -> String { (0..<Int.random(in: 0...12, using: &random)).map { _ in pieces.randomElement(using: &random) ?? "" }.joined() }
        func number() -> Double {
            switch Int.random(in: 0...5, using: &random) {
            case 0: Double(Int64.random(in: -9_007_199_254_740_992...9_007_199_254_740_992, using: &random))
            case 1: Double.random(in: -180...180, using: &random)
            case 2: Double.random(in: 0...0.0001, using: &random)
            case 3: Double.random(in: 1e15...1e20, using: &random)
            case 4: 21.38705
            default: -0.0
            }
        }
        for _ in 0..<500 {
            let value = Value(
                text: text(), key: Dictionary((0..<3).map { _ in (text(), number()) }, uniquingKeysWith: { a, _ in a }),
                integers: (0..<3).map { _ in Int64.random(in: Int64.min...Int64.max, using: &random) },
                nested: [[text(): text()], [:]], flag: Bool.random(using: &random) ? nil : true)
            let json = try WireCoding.encode(value)
            #expect(try CanonicalJSON.canonicalBytes(ofJSON: json) == (try Self.reference(json)), "\(String(decoding: json, as: UTF8.self))")
        }
    }

    @Test("malformed JSON is an error, not a guess")
    func malformed() {
        for text in ["{", "{\"a\" 1}", "[1,]x", "\"open", "tru", "{\"a\":1}}"] {
            #expect(throws: CanonicalJSONError.self) { try CanonicalJSON.canonicalBytes(ofJSON: Data(text.utf8)) }
        }
    }
}
