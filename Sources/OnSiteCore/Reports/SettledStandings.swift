import Foundation

/// A report's standing for every timed step, computed once from its whole history.
///
/// ``ReportStanding/of(_:history:step:evaluator:asOf:)`` reads only the events up to `asOf`, so at any instant at or
/// after the report's latest event it gives the same answer: that answer is kept here, and a table read at such an
/// instant (the usual "now") costs no deadline arithmetic. For an earlier instant (a past day's table, or a report
/// with an event dated ahead of the clock) ``standing(of:history:step:evaluator:asOf:)`` computes it again, so the
/// result is always the uncached one.
///
/// ```swift
/// let settled = SettledStandings(report, history: record.events, evaluator: rules.evaluator)
/// let standing = settled.standing(of: report, history: record.events, step: .handling, evaluator: rules.evaluator, asOf: now)
/// ```
public struct SettledStandings: Sendable {
    /// The latest instant among the report's own events (distant past when it has none): from then on the
    /// kept standings hold.
    public let settledFrom: Date
    /// By ``DeadlineStep`` in `allCases` order.
    private let byStep: [ReportStanding]

    /// Computes the standing of `report` for every step from its whole history.
    ///
    /// - Parameter history: the report's events; events of other reports are ignored.
    public init(_ report: Report, history: [Event], evaluator: DeadlineEvaluator) {
        let own = history.filter { $0.reportId == report.id }
        let latest = own.map(\.at).max() ?? .distantPast
        settledFrom = latest
        byStep = DeadlineStep.allCases.map { step in
            ReportStanding.of(report, history: own, step: step, evaluator: evaluator, asOf: latest)
        }
    }

    /// The kept standing for `step` when it holds at `asOf` (at or after ``settledFrom``), else nil.
    public func kept(for step: DeadlineStep, asOf: Date) -> ReportStanding? {
        guard asOf >= settledFrom, let index = DeadlineStep.allCases.firstIndex(of: step) else { return nil }
        return byStep[index]
    }

    /// The standing of `report` for `step` at `asOf`: the kept one when it holds, else computed from `history`.
    ///
    /// `report`, `history` and `evaluator` must be those the standings were made from.
    public func standing(
        of report: Report, history: [Event], step: DeadlineStep, evaluator: DeadlineEvaluator, asOf: Date
    ) -> ReportStanding {
        kept(for: step, asOf: asOf)
            ?? ReportStanding.of(report, history: history.filter { $0.reportId == report.id }, step: step, evaluator: evaluator, asOf: asOf)
    }
}
