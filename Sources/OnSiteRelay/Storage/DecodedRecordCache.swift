import Foundation
import OnSiteSync
import Synchronization

/// The reports a relay last wrote, decoded, keyed by the exact bytes it wrote: a push that reads a report's state
/// back gets the record without decoding it again.
///
/// Decoding a report's JSON state and encoding it back were most of a push's time in the single writer (`perf` on a
/// 200-device load: 23 % and 21 % of the relay's processor time), and a busy report grows with every note. The
/// cache is checked against the bytes read from the store, so it is never stale: a rolled-back transaction,
/// another relay on the same PostgreSQL database, a compaction or a restore leaves different bytes, and the
/// record is decoded from them as before.
///
/// It holds at most ``byteLimit`` bytes of encoded state (oldest write evicted first), so a device that fills
/// reports to their size limit cannot make the relay hold more than that.
final class DecodedRecordCache: Sendable {
    /// The most encoded state the cache holds at once.
    let byteLimit: Int

    private struct Entry: Sendable {
        var encoded: Data
        var record: ReportRecord
        /// When it was written (``State/written``'s count then).
        var write: Int
    }

    private struct State: Sendable {
        var entries: [String: Entry] = [:]
        /// Each write's report id and number, oldest first from `oldest`; a position whose entry was written again
        /// since is stale and skipped.
        var written: [(id: String, write: Int)] = []
        var oldest = 0
        var writes = 0
        var bytes = 0

        mutating func evictOldest() {
            let (id, write) = written[oldest]
            oldest += 1
            if let entry = entries[id], entry.write == write {
                entries[id] = nil
                bytes -= entry.encoded.count
            }
        }

        /// Drops the stale positions once they outnumber the live ones, so the list stays proportional to the entries.
        mutating func compactIfStale() {
            guard written.count - oldest > 2 * entries.count + 1_024 else { return }
            written = entries.map { (id: $0.key, write: $0.value.write) }.sorted { $0.write < $1.write }
            oldest = 0
        }
    }

    private let state = Mutex(State())

    init(byteLimit: Int = 32 << 20) {
        self.byteLimit = byteLimit
    }

    /// The record `encoded` holds: the cached one when it was written with exactly these bytes, else decoded.
    func record(_ id: String, stored encoded: Data, decoder: JSONDecoder) throws -> ReportRecord {
        if let cached = state.withLock({ $0.entries[id] }), cached.encoded == encoded {
            return cached.record
        }
        return try decoder.decode(ReportRecord.self, from: encoded)
    }

    /// Remembers that `record` was just written as `encoded`.
    func remember(_ id: String, encoded: Data, record: ReportRecord) {
        guard encoded.count <= byteLimit / 4 else {
            forget(id)
            return
        }
        state.withLock { state in
            if let previous = state.entries[id] { state.bytes -= previous.encoded.count }
            state.writes += 1
            state.entries[id] = Entry(encoded: encoded, record: record, write: state.writes)
            state.bytes += encoded.count
            state.written.append((id, state.writes))
            while state.bytes > byteLimit, state.oldest < state.written.count { state.evictOldest() }
            state.compactIfStale()
        }
    }

    /// Encoded bytes held now.
    var heldBytes: Int { state.withLock(\.bytes) }
    /// Reports held now.
    var count: Int { state.withLock(\.entries.count) }
    /// Positions in the write order kept now, stale ones included.
    var positions: Int { state.withLock { $0.written.count - $0.oldest } }
    func contains(_ id: String) -> Bool { state.withLock { $0.entries[id] != nil } }

    /// Drops a report's entry.
    func forget(_ id: String) {
        state.withLock { state in
            if let evicted = state.entries.removeValue(forKey: id) { state.bytes -= evicted.encoded.count }
        }
    }
}
