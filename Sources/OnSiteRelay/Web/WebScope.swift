import Foundation
import GRDB
import OnSiteCore
import OnSiteSync
import Synchronization

/// The reports a signed-in supervisor or hub device may read, decoded once per server version and scope.
///
/// Decoding 10,000 stored records takes longer than a page may (see the README's `onsite-bench web`), so the
/// decoded records, each one's current deadline and its standing for every timed step (``SettledStandings``) are
/// kept, and when the relay's server version moves only the reports changed since are read again; a page then
/// only filters and counts. Redaction for the role is applied here, once, so no page can show reporter data the
/// role may not read.
struct WebScopeSnapshot: Sendable {
    /// One report as the pages use it: the redacted record, the deadline of its current step, and its standing
    /// for every timed step (nil when its province has no deadline rules).
    ///
    /// A class: pages filter and sort thousands of entries, and copying the record's fields each time cost more
    /// than the counting (perf: retain/release and value copies, about 70% of a summary page).
    final class Entry: Sendable {
        let record: ReportRecord
        let deadline: Deadline?
        let settled: SettledStandings?

        init(record: ReportRecord, deadline: Deadline?, settled: SettledStandings?) {
            self.record = record
            self.deadline = deadline
            self.settled = settled
        }
    }

    let serverVersion: Int64
    /// By report id.
    let entries: [String: Entry]
    /// The reports' provinces, sorted.
    let provinces: [String]
    /// The deadline rules of each province that has them in the built-in catalogue.
    let rules: [String: ProvinceRules]

    func reports(where keep: (Report) -> Bool) -> [Entry] {
        entries.values.filter { keep($0.record.report) }.sorted { $0.record.report.code < $1.record.report.code }
    }
}

/// Loads and caches ``WebScopeSnapshot``s: at most ``capacity`` scopes, the least recently used dropped first.
final class WebScopeCache: Sendable {
    private struct Key: Hashable {
        var role: Role
        var units: [String]
    }

    private let store: any RelayIdentityStorage & RelayWebStorage
    private let capacity: Int
    private let cached = Mutex<[Key: (snapshot: WebScopeSnapshot, usedAt: UInt64)]>([:])
    private let ticks = Atomic<UInt64>(0)

    init(store: any RelayIdentityStorage & RelayWebStorage, capacity: Int = 16) {
        self.store = store
        self.capacity = capacity
    }

    /// The reports `actor` may see, redacted for its role, as of the relay's current server version.
    func snapshot(for actor: Actor) async throws -> WebScopeSnapshot {
        let key = Key(role: actor.role, units: actor.units.sorted())
        let version = try await store.serverVersion()
        let tick = ticks.add(1, ordering: .relaxed).newValue
        if let hit = cached.withLock({ entries -> WebScopeSnapshot? in
            guard let found = entries[key], found.snapshot.serverVersion == version else { return nil }
            entries[key]?.usedAt = tick
            return found.snapshot
        }) {
            return hit
        }
        let previous = cached.withLock { $0[key]?.snapshot }
        let snapshot = try await WebScopeSnapshot.load(from: store, for: actor, updating: previous)
        cached.withLock { entries in
            entries[key] = (snapshot, tick)
            if entries.count > capacity, let oldest = entries.min(by: { $0.value.usedAt < $1.value.usedAt })?.key {
                entries[oldest] = nil
            }
        }
        return snapshot
    }
}

extension WebScopeSnapshot {
    /// Every report `actor` may see, redacted for its role, with the deadline of its current step, as of the
    /// server version read with the records.
    ///
    /// With a `previous` snapshot of the same actor, only the reports changed since its version are read and
    /// decoded (a report's stored version is its last change): one changed report costs one decode, not
    /// 10,000. A changed report the actor can no longer see leaves the snapshot.
    static func load(from store: any RelayWebStorage, for actor: Actor, updating previous: WebScopeSnapshot? = nil) async throws -> WebScopeSnapshot {
        let (version, records) = try await store.scopeReports(for: actor, changedAfter: previous?.serverVersion)
        var rules = previous?.rules ?? [:]
        var entries = previous?.entries ?? [:]
        entries.reserveCapacity(entries.count + records.count)
        for record in records {
            guard actor.canSee(record.report) else {
                entries[record.id] = nil
                continue
            }
            let province = record.report.area.province
            if rules[province] == nil, let found = try? BuiltInCatalogue.rules(province: province) { rules[province] = found }
            let redacted = Redaction.redacted(record, for: actor.role)
            let evaluator = rules[province]?.evaluator
            entries[record.id] = .init(
                record: redacted,
                deadline: evaluator?.currentDeadline(of: record.report, events: record.events),
                settled: evaluator.map { SettledStandings(redacted.report, history: redacted.events, evaluator: $0) })
        }
        return WebScopeSnapshot(
            serverVersion: version, entries: entries, provinces: Set(entries.values.map(\.record.report.area.province)).sorted(),
            rules: rules)
    }
}

extension RelayStore {
    public func scopeReports(for actor: Actor, changedAfter version: Int64?) async throws -> (serverVersion: Int64, records: [ReportRecord]) {
        try await writer.read { db -> (Int64, [ReportRecord]) in
            let serverVersion = try Self.serverVersion(db)
            let rows: RowCursor
            if let version {
                rows = try Row.fetchCursor(db, sql: "SELECT state FROM report WHERE version > ? AND length(state) > 0", arguments: [version])
            } else {
                let filter = Self.scopeFilter(for: actor)
                rows = try Row.fetchCursor(db, sql: "SELECT state FROM report WHERE length(state) > 0" + filter.sql, arguments: filter.arguments)
            }
            var records: [ReportRecord] = []
            while let row = try rows.next() {
                records.append(try WireCoding.decode(ReportRecord.self, from: row["state"] as Data))
            }
            return (serverVersion, records)
        }
    }
}
