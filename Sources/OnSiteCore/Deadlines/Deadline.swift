import Foundation

/// An extension notice (thông báo gia hạn) read from the history: it moves the expected date and stays on record.
public struct ExtensionNotice: Sendable, Hashable {
    /// When the unit posted it.
    public var postedAt: Date
    /// The new expected date.
    public var newExpectedDate: Date

    public init(postedAt: Date, newExpectedDate: Date) {
        self.postedAt = postedAt
        self.newExpectedDate = newExpectedDate
    }
}

/// The time limit of one step of one report, derived from its history by `DeadlineEvaluator`.
///
/// The due date in force changes over time: each extension notice, from the moment it is posted, replaces it.
/// A step is overdue at an instant when it is not completed by then and the instant is past the due date in force;
/// it *was* overdue when that happened at any moment up to the instant, even if a later notice moved the date.
public struct Deadline: Sendable, Hashable {
    /// The step the deadline is for.
    public var step: DeadlineStep
    /// The limit the policy gives.
    public var limit: WorkingDuration
    /// When the step started (the anchor event).
    public var startedAt: Date
    /// The due date from the policy, before any extension.
    public var originalDue: Date
    /// The extension notices posted during the step, oldest first.
    public var extensions: [ExtensionNotice]
    /// When the step was completed, or `nil` when it is still open.
    public var completedAt: Date?

    public init(
        step: DeadlineStep, limit: WorkingDuration, startedAt: Date, originalDue: Date,
        extensions: [ExtensionNotice] = [], completedAt: Date? = nil
    ) {
        self.step = step
        self.limit = limit
        self.startedAt = startedAt
        self.originalDue = originalDue
        self.extensions = extensions
        self.completedAt = completedAt
    }

    /// The due date in force now: the last extension's date, or the policy's.
    public var due: Date { extensions.last?.newExpectedDate ?? originalDue }

    /// The due date in force at `instant`: extensions posted later do not count yet.
    public func due(at instant: Date) -> Date {
        extensions.last { $0.postedAt <= instant }?.newExpectedDate ?? originalDue
    }

    /// Whether the step was completed at or before `instant`.
    public func isCompleted(by instant: Date) -> Bool {
        completedAt.map { $0 <= instant } ?? false
    }

    /// Whether the step is open and late at `instant`.
    public func isOverdue(at instant: Date) -> Bool {
        !isCompleted(by: instant) && instant > due(at: instant)
    }

    /// Whether the step was late at any moment up to `instant` (until its completion).
    public func wasOverdue(by instant: Date) -> Bool {
        let end = min(instant, completedAt ?? instant)
        var dueInForce = originalDue
        for notice in extensions where notice.postedAt < end {
            if notice.postedAt > dueInForce { return true }
            dueInForce = notice.newExpectedDate
        }
        return end > dueInForce
    }

    /// Whether the step was completed without ever being late; `nil` while open.
    public var isCompletedInTime: Bool? {
        completedAt.map { !wasOverdue(by: $0) }
    }
}
