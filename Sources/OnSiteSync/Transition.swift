import Foundation
import OnSiteCore

/// A workflow step requested by a device: the action, the status the device saw, and who acted.
///
/// Status is authoritative on the relay: a transition whose `expected` status is no longer the report's
/// status is refused (the report moved while the device was offline), and the rest of its change set still
/// applies. Every replica replays accepted transitions in log order with ``Workflow``, so all agree.
public struct Transition: Codable, Sendable, Hashable {
    public var action: WorkflowAction
    /// The report's status when the device made the request.
    public var expected: ReportStatus
    /// The role the device acted in; the relay checks it is the device's role.
    public var role: Role
    /// The person or device recorded in the event.
    public var actor: String
    /// When it was done, by the device's clock (recorded in the event, not used for ordering).
    public var at: Date

    public init(action: WorkflowAction, expected: ReportStatus, role: Role, actor: String, at: Date) {
        self.action = action
        self.expected = expected
        self.role = role
        self.actor = actor
        self.at = at
    }

    /// The step the workflow makes from `report`, with the event id tied to the operation.
    func step(from report: Report, eventID: UUID) -> Result<Workflow.Step, WorkflowError> {
        do {
            return .success(try Workflow.apply(action, to: report, by: role, actor: actor, at: at, eventID: eventID))
        } catch {
            return .failure(error)
        }
    }
}
