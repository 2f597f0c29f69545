import Foundation

/// Computes the supervisor's overdue table from the merged state: reports, their events, the province's rules.
///
/// A report counts when it was forwarded to a processing unit by `asOf` (and, with a range, received within it).
/// It is *resolved* when its handling was completed by `asOf` (a result the leader approved) and *overdue* when
/// its handling deadline (`DeadlineStep.handling`, moved by extension notices) passed before completion.
/// Events after `asOf` are ignored, so the table of a past day can be recomputed.
///
/// ```swift
/// let table = OverdueReport.make(reports: reports, events: events, evaluator: rules.evaluator,
///                                units: units, asOf: now)
/// print(table.rendered())   // the memo's table
/// ```
public enum OverdueReport {
    /// Builds the table.
    /// - Parameters:
    ///   - reports: the reports of the province.
    ///   - events: their events, in any order.
    ///   - evaluator: the province's deadline rules.
    ///   - units: the administrative units, in official order (row order and names).
    ///   - categories: the category catalogue, for `.category` rows.
    ///   - grouping: district, commune or category.
    ///   - asOf: the instant the state is read at.
    ///   - from: only reports received at or after this instant.
    ///   - to: only reports received before this instant.
    ///   - includeEmptyRows: list every district / commune / category of the catalogues, even with no report
    ///     (the memo lists Huyện Điện Biên Đông with 0).
    public static func make(
        reports: [Report], events: [Event], evaluator: DeadlineEvaluator, units: UnitDirectory,
        categories: [Category] = [], grouping: OverdueGrouping = .district, asOf: Date,
        from: Date? = nil, to: Date? = nil, includeEmptyRows: Bool = true
    ) -> OverdueTable {
        let history = Dictionary(grouping: events.filter { $0.at <= asOf }, by: \.reportId)
        let forwarded = EventVocabulary.transition(to: .forwarded)
        var counts: [String: (total: Int, resolved: Int, overdue: Int)] = [:]
        for report in reports {
            if let from, report.receivedAt < from { continue }
            if let to, report.receivedAt >= to { continue }
            let own = history[report.id] ?? []
            guard own.contains(where: { $0.action == forwarded }) else { continue }
            let key = key(of: report, grouping)
            var count = counts[key] ?? (0, 0, 0)
            count.total += 1
            if let deadline = evaluator.deadline(for: .handling, of: report, events: own) {
                if deadline.isCompleted(by: asOf) { count.resolved += 1 }
                if deadline.wasOverdue(by: asOf) { count.overdue += 1 }
            }
            counts[key] = count
        }
        let catalogue: [(code: String, name: String)] =
            switch grouping {
            case .district: units.units(at: .district).map { ($0.code, $0.name) }
            case .commune: units.units(at: .commune).map { ($0.code, $0.name) }
            case .category: categories.map { ($0.code, $0.name) }
            }
        var keys = includeEmptyRows ? catalogue.map(\.code) : catalogue.map(\.code).filter { counts[$0] != nil }
        let listed = Set(keys)
        keys += counts.keys.filter { !listed.contains($0) }.sorted()
        let names = Dictionary(catalogue.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
        let rows = keys.enumerated().map { i, key in
            let count = counts[key] ?? (0, 0, 0)
            return OverdueRow(
                index: i + 1, code: key, name: names[key] ?? (key.isEmpty ? "—" : units.name(of: key)),
                total: count.total, resolved: count.resolved, overdue: count.overdue)
        }
        return OverdueTable(grouping: grouping, asOf: asOf, from: from, to: to, rows: rows)
    }

    private static func key(of report: Report, _ grouping: OverdueGrouping) -> String {
        switch grouping {
        case .district: report.area.district
        case .commune: report.area.commune ?? ""
        case .category: report.category
        }
    }
}
