/// Why a workflow action was refused. The description names the current state and what is allowed from there.
public struct WorkflowError: Error, Equatable, Sendable, CustomStringConvertible {
    private enum Code: Equatable, Sendable {
        case notAllowed(WorkflowAction.Kind, report: String, status: ReportStatus, role: Role)
        case invalidInput(WorkflowAction.Kind, report: String, problem: String)
    }

    private let code: Code

    /// The action is not allowed from the report's status for this role.
    public static func notAllowed(
        _ kind: WorkflowAction.Kind, report: String, status: ReportStatus, role: Role
    ) -> Self {
        Self(code: .notAllowed(kind, report: report, status: status, role: role))
    }

    /// The action is allowed but its input is incomplete or inconsistent.
    public static func invalidInput(_ kind: WorkflowAction.Kind, report: String, problem: String) -> Self {
        Self(code: .invalidInput(kind, report: report, problem: problem))
    }

    /// The kind of action that was refused.
    public var kind: WorkflowAction.Kind {
        switch code {
        case .notAllowed(let kind, _, _, _), .invalidInput(let kind, _, _): kind
        }
    }

    /// Whether the refusal is about the state or the role (rather than the input).
    public var isNotAllowed: Bool {
        if case .notAllowed = code { true } else { false }
    }

    /// A sentence a person can act on, e.g.
    /// "Cannot approve report DB-2024-00017: it is forwarded (Chuyển xử lý). From there a leader (Lãnh đạo đơn vị)
    /// may: accept, return to the hub, begin verification… Approve is done by: leader, from: result_submitted."
    public var description: String {
        switch code {
        case .notAllowed(let kind, let report, let status, let role):
            let allowed = WorkflowAction.Kind.allowed(from: status, for: role).map(\.phrase)
            let may = allowed.isEmpty ? "nothing" : allowed.joined(separator: ", ")
            let sources = kind.sourceStatuses.map { $0.sorted { $0.rawValue < $1.rawValue }.map(\.rawValue) }
            let from = sources.map { "from: " + $0.joined(separator: ", ") } ?? "from any status"
            let roles = kind.allowedRoles.sorted { $0.rawValue < $1.rawValue }.map(\.rawValue).joined(separator: ", ")
            return "Cannot \(kind.phrase) report \(report): it is \(status.rawValue) (\(status.label)). "
                + "From there a \(role.rawValue) (\(role.label)) may: \(may). "
                + "To \(kind.phrase) is for: \(roles), \(from)."
        case .invalidInput(let kind, let report, let problem):
            return "Cannot \(kind.phrase) report \(report): \(problem)"
        }
    }
}
