import Foundation

/// Computes the supervisor's overdue table and list from the merged state: reports, their events, the province's rules.
///
/// For a step (by default `handling`, the memo's table), a report counts when it reached the step by `asOf` (for
/// handling: it was forwarded to a processing unit) and, with a range, was received within it. It is *resolved* when
/// the step was completed by `asOf` and *overdue* when the step's deadline (moved by extension notices) passed before
/// completion. Events after `asOf` are ignored, so the table of a past day can be recomputed.
///
/// Every report given is accounted for (see ``ReportStanding``): hidden and test reports are left out and counted
/// in footnotes, reports that reached the step without a recorded start are counted and named in a footnote, and
/// deadlines that run through a year without holiday data raise a warning footnote.
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
    ///   - step: the timed step to tabulate.
    ///   - asOf: the instant the state is read at.
    ///   - from: only reports received at or after this instant.
    ///   - to: only reports received before this instant.
    ///   - includeEmptyRows: list every district / commune / category of the catalogues, even with no report
    ///     (the memo lists Huyện Điện Biên Đông with 0).
    public static func make(
        reports: [Report], events: [Event], evaluator: DeadlineEvaluator, units: UnitDirectory,
        categories: [Category] = [], grouping: OverdueGrouping = .district, step: DeadlineStep = .handling,
        asOf: Date, from: Date? = nil, to: Date? = nil, includeEmptyRows: Bool = true
    ) -> OverdueTable {
        make(
            standings: standings(reports, events, evaluator, step, asOf, from, to), calendar: evaluator.calendar, units: units,
            categories: categories, grouping: grouping, step: step, asOf: asOf, from: from, to: to, includeEmptyRows: includeEmptyRows)
    }

    /// Builds the table from standings already known (e.g. kept in ``SettledStandings``): the same table as
    /// ``make(reports:events:evaluator:units:categories:grouping:step:asOf:from:to:includeEmptyRows:)`` when
    /// `standings` holds, for each report it ``covers(_:asOf:from:to:)``, its standing for `step` at `asOf`.
    ///
    /// - Parameter calendar: the province's working calendar (for the missing-holiday-data footnote).
    public static func make(
        standings: some Sequence<(Report, ReportStanding)>, calendar: WorkingCalendar, units: UnitDirectory,
        categories: [Category] = [], grouping: OverdueGrouping = .district, step: DeadlineStep = .handling,
        asOf: Date, from: Date? = nil, to: Date? = nil, includeEmptyRows: Bool = true
    ) -> OverdueTable {
        var counts: [String: (total: Int, resolved: Int, overdue: Int)] = [:]
        var ledger = Ledger()
        for (report, standing) in standings {
            ledger.note(report, standing, calendar, asOf: asOf)
            let key = key(of: report, grouping)
            var count = counts[key] ?? (0, 0, 0)
            switch standing {
            case .hidden, .test, .notReached:
                continue
            case .startUnknown, .noLimit:
                count.total += 1
            case .timed(let deadline):
                count.total += 1
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
        return OverdueTable(
            grouping: grouping, step: step, asOf: asOf, from: from, to: to, rows: rows, footnotes: ledger.footnotes)
    }

    /// Lists the reports the table counts as overdue for `step` (open and late at `asOf`, or completed late), the
    /// latest first: unit, the officer holding each, and how late in working time; with the same footnotes.
    public static func list(
        reports: [Report], events: [Event], evaluator: DeadlineEvaluator, units: UnitDirectory,
        step: DeadlineStep = .handling, asOf: Date, from: Date? = nil, to: Date? = nil
    ) -> OverdueList {
        var ledger = Ledger()
        var entries: [OverdueEntry] = []
        let history = Dictionary(grouping: events, by: \.reportId)
        for (report, standing) in standings(reports, events, evaluator, step, asOf, from, to) {
            ledger.note(report, standing, evaluator.calendar, asOf: asOf)
            guard case .timed(let deadline) = standing, deadline.wasOverdue(by: asOf) else { continue }
            let known = (history[report.id] ?? []).filter { $0.at <= asOf }
            let end = min(asOf, deadline.completedAt ?? asOf)
            let due = deadline.due(at: end)
            let unit = report.assignedUnit ?? lastForwardedUnit(known)
            entries.append(OverdueEntry(
                reportId: report.id, code: report.code, title: report.title, isUrgent: report.isUrgent,
                status: report.status, district: report.area.district, districtName: units.name(of: report.area.district),
                unit: unit, unitName: unit.map(units.name(of:)), holder: holder(of: known, step: step),
                step: step, due: due, completedAt: deadline.completedAt.flatMap { $0 <= asOf ? $0 : nil },
                lateWorkingSeconds: evaluator.calendar.workingTime(from: due, to: end)))
        }
        entries.sort { ($0.lateWorkingSeconds, $1.code) > ($1.lateWorkingSeconds, $0.code) }
        return OverdueList(
            step: step, asOf: asOf, hoursPerWorkingDay: evaluator.calendar.hoursPerWorkingDay, entries: entries,
            footnotes: ledger.footnotes)
    }

    private static func standings(
        _ reports: [Report], _ events: [Event], _ evaluator: DeadlineEvaluator, _ step: DeadlineStep, _ asOf: Date,
        _ from: Date?, _ to: Date?
    ) -> [(Report, ReportStanding)] {
        let history = Dictionary(grouping: events, by: \.reportId)
        return reports.compactMap { report in
            guard covers(report, asOf: asOf, from: from, to: to) else { return nil }
            let standing = ReportStanding.of(
                report, history: history[report.id] ?? [], step: step, evaluator: evaluator, asOf: asOf)
            return (report, standing)
        }
    }

    /// Whether a table at `asOf` over the range `from`..<`to` looks at `report` at all: received by `asOf` and
    /// within the range.
    public static func covers(_ report: Report, asOf: Date, from: Date? = nil, to: Date? = nil) -> Bool {
        if report.receivedAt > asOf { return false }
        if let from, report.receivedAt < from { return false }
        if let to, report.receivedAt >= to { return false }
        return true
    }

    /// The unit of the latest forwarding in the history.
    private static func lastForwardedUnit(_ history: [Event]) -> String? {
        let forwarded = EventVocabulary.transition(to: .forwarded)
        return history.filter { $0.action == forwarded }.max { $0.at < $1.at }?.detail
    }

    /// Who holds the report in the step: the actor of the latest step taken since the step started.
    private static func holder(of history: [Event], step: DeadlineStep) -> String? {
        let holding: Set<ReportStatus> =
            switch step {
            case .reception, .forwarding: [.received, .returnedToHub, .reopened]
            case .handling: [.accepted, .inProgress, .resultSubmitted, .sentBack]
            case .approval: [.resultSubmitted]
            case .publication: [.approved]
            }
        let sorted = history.sorted { $0.at < $1.at }
        let start = step.anchor.flatMap { anchor in
            sorted.lastIndex { EventVocabulary.status(of: $0) == anchor }
        } ?? 0
        return sorted[start...].last { EventVocabulary.status(of: $0).map(holding.contains) ?? false }?.actor
    }

    private static func key(of report: Report, _ grouping: OverdueGrouping) -> String {
        switch grouping {
        case .district: report.area.district
        case .commune: report.area.commune ?? ""
        case .category: report.category
        }
    }

    /// Collects the footnotes while reports are classified.
    private struct Ledger {
        var codes: [OverdueFootnote.Kind: [String]] = [:]
        var missingYears: Set<Int> = []

        mutating func note(_ report: Report, _ standing: ReportStanding, _ calendar: WorkingCalendar, asOf: Date) {
            switch standing {
            case .hidden: codes[.hidden, default: []].append(report.code)
            case .test: codes[.test, default: []].append(report.code)
            case .notReached: codes[.notReached, default: []].append(report.code)
            case .startUnknown: codes[.startUnknown, default: []].append(report.code)
            case .noLimit: codes[.noLimit, default: []].append(report.code)
            case .timed(let deadline):
                let end = max(deadline.due(at: asOf), min(asOf, deadline.completedAt ?? asOf))
                missingYears.formUnion(calendar.yearsWithoutHolidayData(from: deadline.startedAt, to: end))
            }
        }

        var footnotes: [OverdueFootnote] {
            var notes = OverdueFootnote.Kind.allCases.compactMap { kind -> OverdueFootnote? in
                guard let list = codes[kind], !list.isEmpty else { return nil }
                // Left-out reports not at the step are only counted: they may be many and are not the table's business.
                return OverdueFootnote(kind: kind, count: list.count, reportCodes: kind == .notReached ? [] : list.sorted())
            }
            if !missingYears.isEmpty {
                notes.append(OverdueFootnote(kind: .calendarYearsMissing, count: 0, years: missingYears.sorted()))
            }
            return notes
        }
    }
}
