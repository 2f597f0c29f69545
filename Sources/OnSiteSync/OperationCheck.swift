import Foundation
import OnSiteCore

/// Who may make an operation, on which reports: the rules both ends apply before merging.
public struct Actor: Sendable, Hashable {
    public var deviceId: String
    public var role: Role
    public var units: Set<String>

    public init(deviceId: String, role: Role, units: Set<String>) {
        self.deviceId = deviceId
        self.role = role
        self.units = units
    }

    /// Whether the report is in the actor's scope (see ``ReportScope``; admins see everything).
    public func canSee(_ report: Report) -> Bool {
        canSee(report.scope)
    }

    public func canSee(_ scope: ReportScope) -> Bool {
        switch role {
        case .admin: true
        case .officer, .leader: scope.assignedUnit.map(units.contains) ?? false
        case .hub, .supervisor: !units.isDisjoint(with: scope.area) || (scope.assignedUnit.map(units.contains) ?? false)
        }
    }
}

/// Checks an operation against the actor's role and scope, and the record it targets.
public enum OperationCheck {
    /// Fields only the hub (and admins) may set: assignment and hiding.
    public static let hubOnlyFields: Set<ReportField> = [.assignedUnit, .hiddenReason]

    /// The reason the operation is refused, or nil when it may be applied.
    ///
    /// - Parameter wasInScope: the report was in the actor's scope at the change set's base version. Notes,
    ///   verifications and attachments made then are still delivered after the report left the scope.
    public static func refusal(of operation: SyncOperation, by actor: Actor, on record: ReportRecord?, wasInScope: Bool = false) -> ErrorDetail? {
        // The relay's own kinds are refused whatever the report: the answer must not depend on its scope.
        switch operation.change {
        case .blobAvailable:
            return ErrorDetail(code: .forbiddenOperation, message: "Only the relay marks a blob available, when it holds the verified bytes.")
        case .recordConflict:
            return ErrorDetail(code: .forbiddenOperation, message: "Only the relay records conflicts.")
        default:
            break
        }
        if case .createReport(let report) = operation.change {
            guard actor.role == .hub || actor.role == .admin else {
                return ErrorDetail(code: .forbiddenOperation, message: "Only the hub may create reports; this device is a \(actor.role.rawValue).")
            }
            guard actor.canSee(report), record.map({ actor.canSee($0.report) }) ?? true else {
                return outOfScope(operation.reportId, actor: actor)
            }
            if let existing = record?.report, !existing.hasSameIdentity(as: report) {
                return ErrorDetail(code: .reportExists, message: "Report \(report.id) already exists with another code, area, reporter or receipt time; a re-import may only change its fields.")
            }
            return nil
        }
        // A report the device may not see is answered exactly like one that does not exist: the refusal names
        // only the id the device sent, never the report's code, status or unit.
        guard let record else { return outOfScope(operation.reportId, actor: actor) }
        if !actor.canSee(record.report), wasInScope, case .transition(let transition) = operation.change {
            // The report left this device's units while it was offline; where it went is not this device's business.
            return ErrorDetail(
                code: .reportMoved,
                message: "Report \(operation.reportId) left your units while you were offline, so `\(transition.action.kind.rawValue)` was not applied. Your notes, verifications and photos are saved; ask the hub where it is handled now.")
        }
        guard actor.canSee(record.report) || (wasInScope && operation.change.isAppendOnlyEvidence) else {
            return outOfScope(operation.reportId, actor: actor)
        }
        switch operation.change {
        case .setField(let field, _):
            if hubOnlyFields.contains(field), actor.role != .hub, actor.role != .admin {
                return ErrorDetail(code: .forbiddenField, message: "Only the hub may set `\(field.rawValue)`; this device is a \(actor.role.rawValue).")
            }
            if actor.role == .supervisor {
                return ErrorDetail(code: .forbiddenOperation, message: "Supervisors read reports and add notes; they do not edit fields.")
            }
        case .addVerification:
            guard actor.role == .officer || actor.role == .leader else {
                return ErrorDetail(code: .forbiddenOperation, message: "Only officers and unit leaders record on-site verifications; this device is a \(actor.role.rawValue).")
            }
        case .addEvent:
            guard actor.role == .hub || actor.role == .admin else {
                return ErrorDetail(code: .forbiddenOperation, message: "Only the hub imports history events; this device is a \(actor.role.rawValue).")
            }
        case .transition(let transition):
            return refusal(of: transition, operation: operation, by: actor, on: record.report)
        case .addAttachment:
            guard actor.role != .supervisor else {
                return ErrorDetail(code: .forbiddenOperation, message: "Supervisors read evidence; they do not attach it.")
            }
        case .blobAvailable, .recordConflict:
            break  // refused above, before the report is looked at
        case .resolveConflict(let id):
            guard record.conflicts.contains(where: { $0.id == id }) else {
                return ErrorDetail(code: .unknownConflict, message: "Report \(record.report.code) has no conflict \(id); `onsite conflicts` lists the open ones.")
            }
            if actor.role == .supervisor {
                return ErrorDetail(code: .forbiddenOperation, message: "Supervisors read conflicts; the people who edit the report resolve them.")
            }
        case .addNote, .createReport:
            break
        }
        return nil
    }

    /// The refusal for a report the actor may not see, or that does not exist: the same words for both.
    public static func outOfScope(_ reportId: String, actor: Actor) -> ErrorDetail {
        ErrorDetail(
            code: .outOfScope,
            message: "Report \(reportId) is not among the reports of this device's units (\(actor.units.sorted().joined(separator: ", "))): it is outside them, or no such report exists. Check the id, or ask the hub.")
    }

    /// A transition fits when the device acts in its own role, the report is still where the device saw it,
    /// and the workflow allows the step from there for that role.
    static func refusal(of transition: Transition, operation: SyncOperation, by actor: Actor, on report: Report) -> ErrorDetail? {
        guard transition.role == actor.role else {
            return ErrorDetail(code: .forbiddenOperation, message: "The transition claims the role \(transition.role.rawValue), but this device is a \(actor.role.rawValue).")
        }
        guard report.status == transition.expected else {
            return ErrorDetail(
                code: .reportMoved,
                message: "Report \(report.code) is now \(report.status.label) (\(report.status.rawValue)); it was \(transition.expected.label) (\(transition.expected.rawValue)) when you chose `\(transition.action.kind.rawValue)` offline. Your other changes are saved; run `onsite show \(report.code)` and decide again.")
        }
        if case .failure(let error) = transition.step(from: report, eventID: operation.id) {
            return ErrorDetail(code: .forbiddenTransition, message: error.description)
        }
        return nil
    }
}

extension Report {
    /// Whether two copies of a report agree on what a re-import may not change.
    func hasSameIdentity(as other: Report) -> Bool {
        code == other.code && area == other.area && reporter == other.reporter && receivedAt == other.receivedAt
    }
}

extension Change {
    /// Work done on site that stays valid after the report moves to another unit.
    var isAppendOnlyEvidence: Bool {
        switch self {
        case .addNote, .addVerification, .addAttachment: true
        default: false
        }
    }
}
