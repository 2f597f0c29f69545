import Foundation

/// Where one report stands, at an instant, with respect to one timed step: what the supervisor's tables count.
///
/// Every report the tables are given ends in exactly one case, so a table can account for all of them:
/// counted with a deadline, counted without one (and said why in a footnote), or left out (and counted in a footnote).
public enum ReportStanding: Sendable, Hashable {
    /// Hidden (a violating report, never deleted) at the instant: left out.
    case hidden
    /// A test report (code starting `TEST-`): left out.
    case test
    /// The step had not started at the instant (e.g. not yet forwarded to a unit): not in the step's table.
    case notReached
    /// The step started but the history has no event saying when (e.g. a report imported already forwarded):
    /// counted, its deadline unknown.
    case startUnknown
    /// The step started but the policy gives this report's category no limit for it: counted, no deadline.
    case noLimit
    /// Counted, with its deadline.
    case timed(Deadline)

    /// Whether the report is a test report: its code starts with `TEST-` (the hub creates test reports that way;
    /// technical staff delete them, and until then they stay out of every table).
    public static func isTest(_ report: Report) -> Bool {
        report.code.uppercased().hasPrefix("TEST-")
    }

    /// Whether the report was hidden at `asOf`: the latest `hidden` / `unhidden` event up to then decides; a report
    /// with no such event in its whole history is hidden when it carries a hidden reason.
    ///
    /// - Parameter history: the report's own events, all of them (also those after `asOf`).
    public static func isHidden(_ report: Report, history: [Event], asOf: Date) -> Bool {
        let marks = history.filter { $0.action == EventVocabulary.hidden || $0.action == EventVocabulary.unhidden }
        guard !marks.isEmpty else { return report.hiddenReason != nil }
        let latest = marks.filter { $0.at <= asOf }.max { $0.at < $1.at }
        return latest?.action == EventVocabulary.hidden
    }

    /// The standing of `report` for `step` at `asOf`.
    ///
    /// - Parameters:
    ///   - history: the report's own events, all of them; those after `asOf` are ignored for the deadline.
    public static func of(
        _ report: Report, history: [Event], step: DeadlineStep, evaluator: DeadlineEvaluator, asOf: Date
    ) -> ReportStanding {
        if isTest(report) { return .test }
        if isHidden(report, history: history, asOf: asOf) { return .hidden }
        let known = history.filter { $0.at <= asOf }
        if let anchor = step.anchor {
            let action = EventVocabulary.transition(to: anchor)
            if !known.contains(where: { $0.action == action }) {
                // Started later than `asOf`, or never recorded: the current status tells which.
                let startedLater = history.contains { $0.action == action }
                return !startedLater && step.isReached(by: report.status) ? .startUnknown : .notReached
            }
        }
        guard let deadline = evaluator.deadline(for: step, of: report, events: known) else {
            return evaluator.policy.limit(for: step, category: report.category, isUrgent: report.isUrgent) == nil
                ? .noLimit : .notReached
        }
        return .timed(deadline)
    }
}
