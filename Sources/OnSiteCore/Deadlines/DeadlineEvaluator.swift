import Foundation

/// Derives due dates and the overdue state from a report's history and its province's rules.
///
/// Nothing is stored: when a policy changes, evaluate again. The evaluator reads only the events of
/// `EventVocabulary` (transitions and `extension`).
///
/// ```swift
/// let evaluator = DeadlineEvaluator(policy: rules.policy, calendar: rules.calendar)
/// if let deadline = evaluator.currentDeadline(of: report, events: history), deadline.isOverdue(at: now) { … }
/// ```
public struct DeadlineEvaluator: Sendable {
    /// The time limits.
    public var policy: DeadlinePolicy
    /// The working time they count in.
    public var calendar: WorkingCalendar

    public init(policy: DeadlinePolicy, calendar: WorkingCalendar) {
        self.policy = policy
        self.calendar = calendar
    }

    /// The deadline of the step the report is in now, or `nil` when no deadline runs.
    public func currentDeadline(of report: Report, events: [Event]) -> Deadline? {
        DeadlineStep.current(for: report.status).flatMap { deadline(for: $0, of: report, events: events) }
    }

    /// The report with `dueAt` set to the due date of its current step (or `nil`).
    public func refreshed(_ report: Report, events: [Event]) -> Report {
        var copy = report
        copy.dueAt = currentDeadline(of: report, events: events)?.due
        return copy
    }

    /// The deadline of the latest occurrence of `step` in the history, or `nil` when the step has not started
    /// or the policy gives it no limit.
    ///
    /// - Parameters:
    ///   - step: the step.
    ///   - report: the report (its category, urgency and receipt time).
    ///   - events: its history, in any order; events of other reports are ignored. Events at the same instant
    ///     keep their given order.
    public func deadline(for step: DeadlineStep, of report: Report, events: [Event]) -> Deadline? {
        guard let limit = policy.limit(for: step, category: report.category, isUrgent: report.isUrgent) else {
            return nil
        }
        let history = events.enumerated()
            .filter { $0.element.reportId == report.id }
            .sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
            .map(\.element)
        let statuses = history.map(EventVocabulary.status(of:))
        let startIndex: Int?
        let start: Date
        switch step {
        case .reception, .forwarding:
            startIndex = statuses.lastIndex { $0 == .returnedToHub || $0 == .reopened }
            start = startIndex.map { history[$0].at } ?? report.receivedAt
        case .handling, .approval, .publication:
            let anchor: ReportStatus = step == .handling ? .forwarded : step == .approval ? .resultSubmitted : .approved
            guard let index = statuses.lastIndex(of: anchor) else { return nil }
            startIndex = index
            start = history[index].at
        }
        let after = (startIndex.map { $0 + 1 } ?? 0)..<history.count
        var completedAt: Date?
        var extensions: [ExtensionNotice] = []
        var lastSubmitted: Date?
        scan: for i in after {
            let event = history[i]
            if step == .handling, let date = EventVocabulary.extensionDate(of: event) {
                extensions.append(ExtensionNotice(postedAt: event.at, newExpectedDate: date))
                continue
            }
            guard let status = statuses[i] else { continue }
            switch (step, status) {
            case (.reception, .forwarded), (.reception, .rejected), (.reception, .needsInformation),
                (.reception, .duplicate), (.forwarding, .forwarded), (.forwarding, .rejected),
                (.forwarding, .needsInformation), (.forwarding, .duplicate),
                (.approval, .approved), (.approval, .sentBack),
                (.publication, .published), (.publication, .deliveredPrivately):
                completedAt = event.at
                break scan
            case (.handling, .resultSubmitted):
                lastSubmitted = event.at
            case (.handling, .approved):
                completedAt = lastSubmitted ?? event.at
                break scan
            case (.handling, .returnedToHub):
                break scan
            default:
                continue
            }
        }
        return Deadline(
            step: step, limit: limit, startedAt: start, originalDue: calendar.adding(limit, to: start),
            extensions: extensions, completedAt: completedAt)
    }
}
