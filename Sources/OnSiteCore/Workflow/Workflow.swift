import Foundation

/// The life of a report as a pure state machine: no clock, no I/O.
///
/// `apply(_:to:by:actor:at:)` checks that the role may take the action from the report's status, checks the
/// inputs, and returns the changed report with the one event the step leaves (see `EventVocabulary`).
///
/// ```swift
/// let step = try Workflow.apply(.forward(unit: "tp-dien-bien-phu"), to: report, by: .hub, actor: "ioc-1", at: now)
/// // step.report.status == .forwarded, step.event.action == "transition:forwarded"
/// ```
///
/// The due date is not set here: it depends on the province's policy; compute it with `DeadlineEvaluator`.
public enum Workflow {
    /// The outcome of an accepted action.
    public struct Step: Sendable, Hashable {
        /// The report after the action.
        public var report: Report
        /// The event the action leaves in the history.
        public var event: Event
    }

    /// Performs `action` on `report` for a person acting as `role`.
    ///
    /// Text inputs are normalised to NFC and trimmed.
    /// - Parameters:
    ///   - action: what is done, with its inputs.
    ///   - report: the report as it stands.
    ///   - role: the role of the person acting.
    ///   - actor: the person or device recorded in the event.
    ///   - date: when it happened.
    ///   - eventID: the id of the event (a new random one by default).
    /// - Returns: the changed report and its event.
    /// - Throws: `WorkflowError` when the role may not take the action from the current status, or an input is
    ///   missing; the message lists what the role may do from there.
    public static func apply(
        _ action: WorkflowAction, to report: Report, by role: Role, actor: String, at date: Date,
        eventID: UUID = UUID()
    ) throws(WorkflowError) -> Step {
        let kind = action.kind
        guard kind.canStart(from: report.status), kind.allowedRoles.contains(role) else {
            throw .notAllowed(kind, report: report.code, status: report.status, role: role)
        }
        var next = report
        if let target = kind.targetStatus { next.status = target }
        let detail = try detail(of: action, applyingTo: &next, at: date)
        let name: String =
            switch kind {
            case .postExtension: EventVocabulary.extensionNotice
            case .hide: EventVocabulary.hidden
            case .unhide: EventVocabulary.unhidden
            default: EventVocabulary.transition(to: next.status)
            }
        let event = Event(id: eventID, reportId: report.id, actor: actor, at: date, action: name, detail: detail)
        return Step(report: next, event: event)
    }

    /// Checks the inputs, updates the fields other than the status, and returns the event's detail.
    private static func detail(
        of action: WorkflowAction, applyingTo report: inout Report, at date: Date
    ) throws(WorkflowError) -> String {
        let kind = action.kind
        func required(_ text: String, _ what: String) throws(WorkflowError) -> String {
            let clean = VietnameseText.cleaned(text)
            guard !clean.isEmpty else {
                throw .invalidInput(kind, report: report.code, problem: "\(what) is empty; give one.")
            }
            return clean
        }
        switch action {
        case .forward(let unit):
            let unit = try required(unit, "the unit code")
            report.assignedUnit = unit
            return unit
        case .reject(let reason), .sendBack(let reason), .reopen(let reason):
            return try required(reason, "the reason")
        case .requestInformation(let missing):
            let items = missing.map(VietnameseText.cleaned).filter { !$0.isEmpty }
            guard !items.isEmpty else {
                throw .invalidInput(kind, report: report.code, problem: "list at least one missing item.")
            }
            return items.joined(separator: "\n")
        case .markDuplicate(let original):
            let original = try required(original, "the original report's id")
            guard original != report.id else {
                throw .invalidInput(kind, report: report.code, problem: "a report cannot duplicate itself.")
            }
            return original
        case .returnToHub(let reason, let suggestedUnit):
            let reason = try required(reason, "the reason")
            report.assignedUnit = nil
            let unit = suggestedUnit.map(VietnameseText.cleaned) ?? ""
            return unit.isEmpty ? reason : "\(reason) → \(unit)"
        case .postExtension(let newDate, let reason):
            guard newDate > date else {
                throw .invalidInput(
                    kind, report: report.code,
                    problem: "the new expected date \(newDate.formatted(.iso8601)) is not after now "
                        + "(\(date.formatted(.iso8601))); give a later date.")
            }
            return EventVocabulary.extensionDetail(newExpectedDate: newDate, reason: try required(reason, "the reason"))
        case .submitResult(let summary, let evidence):
            let summary = try required(summary, "the result summary")
            guard evidence.contains(where: { !VietnameseText.cleaned($0).isEmpty }) else {
                throw .invalidInput(
                    kind, report: report.code, problem: "attach at least one evidence photo or document.")
            }
            return summary
        case .editAndApprove(let summary):
            return try required(summary, "the edited summary")
        case .publish:
            guard !report.reporter.isConfidential else {
                throw .invalidInput(
                    kind, report: report.code,
                    problem: "the reporter asked for confidentiality; deliver the result privately instead.")
            }
            return ""
        case .rate(let rating):
            return rating.rawValue
        case .hide(let reason):
            guard report.hiddenReason == nil else {
                throw .invalidInput(kind, report: report.code, problem: "it is already hidden.")
            }
            let reason = try required(reason, "the reason")
            report.hiddenReason = reason
            return reason
        case .unhide(let reason):
            guard report.hiddenReason != nil else {
                throw .invalidInput(kind, report: report.code, problem: "it is not hidden.")
            }
            report.hiddenReason = nil
            return try required(reason, "the reason")
        case .accept, .beginVerification, .approve, .deliverPrivately:
            return ""
        }
    }
}
