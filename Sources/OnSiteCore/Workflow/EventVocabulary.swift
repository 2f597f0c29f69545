import Foundation

/// The `Event.action` names the workflow writes and the deadline evaluator reads.
///
/// Every workflow step leaves exactly one event; its `action` is one of these names:
///
/// | action | left by | `detail` |
/// |---|---|---|
/// | `transition:forwarded` | forward | the unit code the report was forwarded to |
/// | `transition:rejected` | reject | the reason given to the citizen |
/// | `transition:needs_information` | request information | the missing items, one per line |
/// | `transition:duplicate` | mark duplicate | the id of the original report |
/// | `transition:accepted` | accept | empty |
/// | `transition:returned_to_hub` | return to hub | the reason, then `→ <suggested unit code>` when one was given |
/// | `transition:in_progress` | begin verification | empty |
/// | `transition:result_submitted` | submit result | the result summary (the evidence references travel with the action) |
/// | `transition:sent_back` | send back | the leader's reason |
/// | `transition:approved` | approve / edit and approve | empty, or the summary as the leader edited it |
/// | `transition:published` | publish | empty |
/// | `transition:delivered_privately` | deliver privately | empty |
/// | `transition:rated` | rate | the rating's raw value (`satisfied`, `acceptable`, `not_satisfied`) |
/// | `transition:reopened` | reopen | the reason |
/// | `extension` | post extension | the new expected date in ISO 8601 (UTC), a space, then the reason |
/// | `hidden` | hide | the reason |
/// | `unhidden` | unhide | the reason |
///
/// The transition names are `transition:` followed by the new status's raw value, so that
/// `EventVocabulary.transition(to:)` and `EventVocabulary.status(of:)` are inverse.
/// The due date and the overdue state are derived from these events only (see `DeadlineEvaluator`).
public enum EventVocabulary {
    /// The prefix of every status change.
    public static let transitionPrefix = "transition:"
    /// An extension notice: the status stays, the expected date moves.
    public static let extensionNotice = "extension"
    /// The report was hidden with a reason (never deleted).
    public static let hidden = "hidden"
    /// A hidden report was shown again.
    public static let unhidden = "unhidden"

    /// The action name of a change to `status`, e.g. `transition:forwarded`.
    public static func transition(to status: ReportStatus) -> String {
        transitionPrefix + status.rawValue
    }

    /// The status an event moved the report to, or `nil` when the event is not a transition.
    public static func status(of event: Event) -> ReportStatus? {
        guard event.action.hasPrefix(transitionPrefix) else { return nil }
        return ReportStatus(rawValue: String(event.action.dropFirst(transitionPrefix.count)))
    }

    /// The `detail` of an extension event: the new date in ISO 8601, a space, the reason.
    public static func extensionDetail(newExpectedDate: Date, reason: String) -> String {
        let date = newExpectedDate.formatted(.iso8601)
        return reason.isEmpty ? date : "\(date) \(reason)"
    }

    /// The new expected date of an extension event, or `nil` when the event is not a well-formed extension.
    public static func extensionDate(of event: Event) -> Date? {
        guard event.action == extensionNotice else { return nil }
        let token = event.detail.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
        return try? Date(token, strategy: .iso8601)
    }
}
