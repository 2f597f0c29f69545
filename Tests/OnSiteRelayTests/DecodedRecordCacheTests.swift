import Foundation
import OnSiteCore
@testable import OnSiteRelay
import OnSiteSync
import Testing

/// The relay's cache of decoded reports: a push reads back what the relay wrote without decoding it, and never a
/// record whose bytes have changed since.
@Suite("Decoded report cache")
struct DecodedRecordCacheTests {
    static func record(_ id: String, title: String = "Ổ gà", notes: Int = 0) -> ReportRecord {
        var record = ReportRecord(created: RelaySyncStorageTests.report(id), stamp: HybridTimestamp(wallMillis: 1, counter: 0, device: "hub"))
        record.report.title = title
        record.notes = (0..<notes).map { Note(author: "Cán bộ", at: RelaySyncStorageTests.now, text: "Ghi chú \($0)") }
        return record
    }

    @Test("the record written with exactly the bytes read back is the cached one; other bytes are decoded")
    func bytesDecideWhichRecordIsReturned() throws {
        let cache = DecodedRecordCache()
        let decoder = WireCoding.makeDecoder()
        let written = Self.record("r1")
        let bytes = try WireCoding.encode(written)
        cache.remember("r1", encoded: bytes, record: written)
        #expect(try cache.record("r1", stored: bytes, decoder: decoder) == written)
        // Someone else wrote the report since (another relay, a compaction, a rolled-back write): its bytes win.
        let elsewhere = Self.record("r1", title: "Sạt lở taluy")
        #expect(try cache.record("r1", stored: try WireCoding.encode(elsewhere), decoder: decoder).report.title == "Sạt lở taluy")
        // A report never written through the cache is decoded.
        let other = Self.record("r2")
        #expect(try cache.record("r2", stored: try WireCoding.encode(other), decoder: decoder) == other)
    }

    @Test("the cache holds at most its byte limit, evicting the oldest writes first; a report too big for it is not kept")
    func boundedByBytes() throws {
        let sample = try WireCoding.encode(Self.record("r0", notes: 5))
        let cache = DecodedRecordCache(byteLimit: sample.count * 10)
        for index in 0..<100 {
            let record = Self.record("r\(index)", notes: 5)
            cache.remember(record.id, encoded: try WireCoding.encode(record), record: record)
        }
        #expect(cache.heldBytes <= cache.byteLimit)
        #expect(cache.count >= 8 && cache.count <= 10)
        #expect(cache.contains("r99") && !cache.contains("r0"))
        // Writing one report over and over keeps one entry, whatever the number of writes.
        for _ in 0..<10_000 {
            let record = Self.record("r99", notes: 5)
            cache.remember(record.id, encoded: try WireCoding.encode(record), record: record)
        }
        #expect(cache.count <= 10 && cache.positions <= 2 * cache.count + 1_024)
        // A record over a quarter of the limit is never held (nor an older entry of the same report).
        let huge = Self.record("r99", notes: 200)
        cache.remember(huge.id, encoded: try WireCoding.encode(huge), record: huge)
        #expect(!cache.contains("r99"))
    }

    @Test("a push after the report's stored state changed behind the relay merges onto the changed state", arguments: StoreKind.allCases)
    func aStateChangedBehindTheRelayIsNotServedFromTheCache(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await RelaySyncStorageTests.enrol(store)
            let hub = RelaySyncStorageTests.hub
            let note = { (text: String) in Change.addNote(Note(author: "IOC", at: RelaySyncStorageTests.now, text: text)) }
            _ = try await RelaySyncStorageTests.push(store, RelaySyncStorageTests.changeSet(hub, 1, [
                (.createReport(RelaySyncStorageTests.report("r1")), "r1"), (note("Một"), "r1"),
            ]), by: hub)
            try await StoreTampering(store).editState(of: "r1") { $0.report.title = "Sửa ngoài relay" }
            _ = try await RelaySyncStorageTests.push(store, RelaySyncStorageTests.changeSet(hub, 2, [(note("Hai"), "r1")]), by: hub)
            let page = try await RelaySyncStorageTests.pull(store, since: 0, as: hub)
            let record = try #require(page.snapshots.first { $0.id == "r1" })
            #expect(record.report.title == "Sửa ngoài relay")
            #expect(Set(record.notes.map(\.text)) == ["Một", "Hai"])
        }
    }
}
