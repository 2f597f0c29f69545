import Foundation
import OnSiteCore
import OnSiteSync
import Testing

/// The relay serves stored operation bytes spliced into its pull pages instead of decoding and encoding each one
/// again: the answer must read exactly as the page it stands for, and redaction must still apply.
@Suite("Served pull pages: stored bytes spliced, redaction kept")
struct ServedPullPageTests {
    /// Every operation of the change set vectors (every kind), unsigned and signed.
    static func operations() throws -> [SyncOperation] {
        let unsigned = try Vectors.files(in: "changesets").flatMap { name in
            try WireCoding.decode(ChangeSet.self, from: Vectors.data("changesets", name)).operations
        }
        let signed = unsigned.map { operation in
            var copy = operation
            copy.signature = OperationSignature(keyId: "9f86d081884c7d659a2feaa0c55ad015", value: String(repeating: "A", count: 86) + "==")
            return copy
        }
        return unsigned + signed
    }

    @Test("the peek reads each stored operation's kind and signing key as decoding does, for every kind")
    func peekMatchesDecoding() throws {
        let operations = try Self.operations()
        #expect(Set(operations.map(\.change.kind)) == Set(Change.Kind.allCases))
        for operation in operations {
            let peek = try #require(StoredOperationPeek.peek(try WireCoding.encode(operation)))
            #expect(peek.kind == operation.change.kind.rawValue)
            #expect(peek.keyId == operation.signature?.keyId)
        }
    }

    @Test("a served page's JSON decodes to the page it stands for: entries, snapshots, evidence, signers; odd device ids")
    func splicedPageDecodesAsThePage() throws {
        let operations = try Self.operations()
        let deviceIds = ["dev-lan", "thiết-bị \"Điện Biên\"", "back\\slash", "tab\tnew\nline\u{1}"]
        let entries = operations.enumerated().map { index, operation in
            LogEntry(version: Int64(index + 1), deviceId: deviceIds[index % deviceIds.count], operation: operation)
        }
        let signer = SignerKey(keyId: "9f86d081884c7d659a2feaa0c55ad015", deviceId: "dev-lan", deviceName: "Lò Thị Lan",
                               publicKey: String(repeating: "B", count: 43) + "=")
        let pages = [
            PullPage(changes: entries, nextCursor: Int64(entries.count), hasMore: true, serverVersion: 900,
                     snapshots: [Fixture.record()], evictions: ["rpt-9"], serverTimeMillis: Fixture.t0,
                     evidence: Array(entries.prefix(2)), signers: [signer]),
            PullPage(changes: [], nextCursor: 4, hasMore: false, serverVersion: 4),
            PullPage(changes: Array(entries.prefix(1)), nextCursor: 1, hasMore: false, serverVersion: 1,
                     snapshot: SnapshotPosition(version: 1, after: "rpt-1", isComplete: true)),
        ]
        for page in pages {
            let served = try ServedPullPage(decoded: page)
            #expect(served.page.changes.isEmpty && served.changes.count == page.changes.count)
            let json = try served.encoded()
            #expect(try WireCoding.decode(PullPage.self, from: json) == page)
            #expect(try served.decoded() == page)
            // And the spliced JSON is the one the encoder would have written, byte for byte (sorted keys)
            #expect(json == (try WireCoding.encode(page)), "\(String(decoding: json.prefix(300), as: UTF8.self))")
        }
    }

    @Test("a confidential reporter is redacted for the roles that may not read it; other operations are served as stored", arguments: Role.allCases)
    func redactionStillApplies(role: Role) throws {
        var report = Fixture.report()
        report.reporter = Reporter(name: "Nguyễn Thị Hoa", phone: "0912 345 678", isConfidential: true)
        let create = SyncOperation(reportId: report.id, stamp: Fixture.stamp(0, 0, "dev-hub"), change: .createReport(report))
        let stored = try WireCoding.encode(create)
        let served = try ServedOperation(stored: stored, for: role)
        let expected = Redaction.redacted(create, for: role)
        #expect(try WireCoding.decode(SyncOperation.self, from: served.bytes) == expected)
        #expect((served.bytes == stored) == Redaction.mayReadReporter(report.reporter, role: role))
        let note = SyncOperation(reportId: report.id, stamp: Fixture.stamp(1, 0, "dev-lan"),
                                 change: .addNote(Note(author: "Lò Thị Lan", at: Date(timeIntervalSince1970: 1_713_429_100), text: "\"create_report\"")))
        let storedNote = try WireCoding.encode(note)
        #expect(try ServedOperation(stored: storedNote, for: role).bytes == storedNote)
    }

    @Test("hostile stored bytes: every prefix, deep nesting, garbage: the peek never crashes and serving refuses what is not an operation")
    func hostileBytes() throws {
        let whole = try WireCoding.encode(try #require(try Self.operations().last))
        for length in 0..<whole.count {
            let prefix = whole.prefix(length)
            #expect(StoredOperationPeek.peek(prefix) == nil, "prefix \(length)")
            #expect(throws: (any Error).self) { try ServedOperation(stored: prefix, for: .officer) }
        }
        let deep = Data(#"{"change":"#.utf8) + Data(repeating: UInt8(ascii: "["), count: 100_000) + Data(repeating: UInt8(ascii: "]"), count: 100_000) + Data("}".utf8)
        #expect(StoredOperationPeek.peek(deep) == nil)
        for garbage in ["", "null", "[]", "{}", "{\"change\":{\"kind\":\"add_note\"}} trailing", "{\"a\":tru\"e}", "{\"a\" 1}", "\u{0}\u{1}"] {
            let peek = StoredOperationPeek.peek(Data(garbage.utf8))
            #expect(garbage == "{}" ? peek == StoredOperationPeek() : peek == nil, "\(garbage)")
            #expect(throws: (any Error).self) { try ServedOperation(stored: Data(garbage.utf8), for: .officer) }
        }
    }
}
