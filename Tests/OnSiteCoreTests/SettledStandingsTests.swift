import Foundation
import Testing

@testable import OnSiteCore

/// Tables built from kept standings (``SettledStandings``, refreshed only for the reports a write changed, as the
/// relay's web page keeps them) equal the tables computed from scratch, at every instant that matters.
@Suite("Settled standings")
struct SettledStandingsTests {
    let reports: [Report]
    let events: [Event]
    let units: UnitDirectory
    let evaluator: DeadlineEvaluator

    init() throws {
        let memo = Fixtures.samples.appending(path: "memo-2024-04")
        var reports = try SampleData.loadReports(from: memo.appending(path: "reports.json"))
        var events = try SampleData.loadEvents(from: memo.appending(path: "events.json"))
        units = try SampleData.loadUnits(from: Fixtures.samples.appending(path: "units.json"))
        evaluator = try Fixtures.rules("dien-bien").evaluator
        // Beside the memo: a test report, a report hidden then shown again, one hidden by its reason alone, and
        // one forwarded at an instant ahead of every other event (a clock ahead of the relay's).
        reports.append(Fixtures.report(id: "t1", status: .forwarded, receivedAt: Fixtures.vn("2024-03-01 08:00")))
        reports[reports.count - 1].code = "TEST-1"
        reports.append(Fixtures.report(id: "h1", status: .forwarded, receivedAt: Fixtures.vn("2024-03-01 08:00")))
        reports.append(Fixtures.report(id: "h2", status: .forwarded, receivedAt: Fixtures.vn("2024-03-01 08:00"), hidden: "vi phạm"))
        reports.append(Fixtures.report(id: "f1", status: .forwarded, receivedAt: Fixtures.vn("2024-03-01 08:00")))
        func event(_ id: String, _ at: String, _ action: String, _ detail: String = "") -> Event {
            Event(reportId: id, actor: "hub", at: Fixtures.vn(at), action: action, detail: detail)
        }
        let forwarded = EventVocabulary.transition(to: .forwarded)
        events += [
            event("t1", "2024-03-01 09:00", forwarded, "phuong-muong-thanh"),
            event("h1", "2024-03-01 09:00", forwarded, "phuong-muong-thanh"),
            event("h1", "2024-03-20 10:00", EventVocabulary.hidden, "vi phạm"),
            event("h1", "2024-04-02 10:30", EventVocabulary.unhidden, "nhầm"),
            event("h2", "2024-03-01 09:00", forwarded, "phuong-muong-thanh"),
            event("f1", "2024-05-06 09:00", forwarded, "phuong-muong-thanh"),
        ]
        self.reports = reports
        self.events = events.sorted { $0.at < $1.at }
    }

    /// The instants a table is read at for a state whose latest write is at `last`: before and after it, on and
    /// around a minute boundary, and at the memo's date.
    static func instants(around last: Date) -> [Date] {
        let minute = (last.timeIntervalSince1970 / 60).rounded(.down) * 60
        return [-86_400, -1, 0, 1, 59, 86_400 * 30].map { last.addingTimeInterval($0) }
            + [minute - 0.001, minute, minute + 60 - 0.001, minute + 60].map { Date(timeIntervalSince1970: $0) }
            + [Date(timeIntervalSince1970: 1_713_495_600)]
    }

    @Test("Across writes (standings refreshed only for the changed reports) and instants around a minute boundary, every step and grouping equals the computed table")
    func keptEqualsComputed() {
        let byReport = Dictionary(grouping: events, by: \.reportId)
        var settled: [String: SettledStandings] = [:]
        var known: [Event] = []
        // Writes land in eight batches in time order; after each, only the reports it touched are settled again.
        let batches = stride(from: 0, to: events.count, by: events.count / 8 + 1).map { Array(events[$0..<min($0 + events.count / 8 + 1, events.count)]) }
        var compared = 0
        for batch in [[]] + batches {
            known += batch
            let history = Dictionary(grouping: known, by: \.reportId)
            let changed = settled.isEmpty ? Set(reports.map(\.id)) : Set(batch.map(\.reportId))
            for report in reports where changed.contains(report.id) {
                settled[report.id] = SettledStandings(report, history: history[report.id] ?? [], evaluator: evaluator)
            }
            let last = known.last?.at ?? Fixtures.vn("2024-01-01 08:00")
            for asOf in Self.instants(around: last) {
                for step in DeadlineStep.allCases {
                    for grouping in [OverdueGrouping.district, .commune] {
                        let computed = OverdueReport.make(
                            reports: reports, events: known, evaluator: evaluator, units: units, grouping: grouping, step: step, asOf: asOf)
                        let standings = reports.compactMap { report -> (Report, ReportStanding)? in
                            guard OverdueReport.covers(report, asOf: asOf), let kept = settled[report.id] else { return nil }
                            return (report, kept.standing(of: report, history: history[report.id] ?? [], step: step, evaluator: evaluator, asOf: asOf))
                        }
                        let fromKept = OverdueReport.make(
                            standings: standings, calendar: evaluator.calendar, units: units, grouping: grouping, step: step, asOf: asOf)
                        #expect(fromKept == computed, "\(step) \(grouping) at \(asOf) after \(known.count) events")
                        compared += 1
                    }
                }
            }
        }
        #expect(compared == 9 * 11 * 5 * 2)
        // The tables compared are not trivial: the memo's at its date, with hidden and test reports footnoted.
        let memo = OverdueReport.make(
            standings: reports.compactMap { report in settled[report.id].map { (report, $0.standing(of: report, history: byReport[report.id] ?? [], step: .handling, evaluator: evaluator, asOf: Date(timeIntervalSince1970: 1_713_495_600))) } },
            calendar: evaluator.calendar, units: units, asOf: Date(timeIntervalSince1970: 1_713_495_600))
        #expect([memo.totals.total, memo.totals.resolved, memo.totals.overdue] as [Int] == [131, 7, 124])
        #expect(memo.footnotes.map(\.kind).contains(.test) && memo.footnotes.map(\.kind).contains(.hidden))
    }

    @Test("A kept standing is used only from the report's latest event on; before it the standing is computed again")
    func keptOnlyWhenSettled() {
        let report = reports.first { $0.id == "h1" }!
        let history = events.filter { $0.reportId == "h1" }
        let settled = SettledStandings(report, history: history, evaluator: evaluator)
        #expect(settled.settledFrom == Fixtures.vn("2024-04-02 10:30"))
        #expect(settled.kept(for: .handling, asOf: Fixtures.vn("2024-04-02 10:29")) == nil)
        #expect(settled.kept(for: .handling, asOf: Fixtures.vn("2024-04-02 10:30")) != nil)
        // Hidden between the marks, counted after being shown again
        #expect(settled.standing(of: report, history: history, step: .handling, evaluator: evaluator, asOf: Fixtures.vn("2024-03-25 10:00")) == .hidden)
        if case .timed = settled.standing(of: report, history: history, step: .handling, evaluator: evaluator, asOf: Fixtures.vn("2024-04-03 10:00")) {
        } else {
            Issue.record("h1 should be timed once shown again")
        }
    }
}
