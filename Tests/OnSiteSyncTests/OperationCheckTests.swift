import Foundation
import OnSiteCore
import OnSiteSync
import Testing

@Suite("OperationCheck: role × operation × scope")
struct OperationCheckTests {
    enum Op: String, CaseIterable, Sendable {
        case create, setTitle, setAssignedUnit, setHiddenReason, addNote, addVerification, addEvent, addAttachment, blobAvailable
        case recordConflict, resolveConflict

        func change() -> Change {
            switch self {
            case .create: .createReport(Fixture.report())
            case .setTitle: .setField(.title, .text("Tiêu đề mới"))
            case .setAssignedUnit: .setField(.assignedUnit, .text("U-OTHER"))
            case .setHiddenReason: .setField(.hiddenReason, .text("Vi phạm"))
            case .addNote: .addNote(Note(author: "A", at: Date(timeIntervalSince1970: 1), text: "n"))
            case .addVerification: .addVerification(Verification(reportId: "rpt-1", officer: "A", visitedAt: Date(timeIntervalSince1970: 1), position: nil, finding: .confirmed, notes: ""))
            case .addEvent: .addEvent(Event(reportId: "rpt-1", actor: "IOC", at: Date(timeIntervalSince1970: 1), action: "transition:forwarded", detail: "U-HIMLAM"))
            case .addAttachment: .addAttachment(Fixture.attachment())
            case .blobAvailable: .blobAvailable(sha256: Fixture.sha256)
            case .recordConflict: .recordConflict(Fixture.conflict)
            case .resolveConflict: .resolveConflict(id: Fixture.conflict.id)
            }
        }
    }

    /// What each role gets on a report in its scope (nil = allowed), as OperationCheck implements it.
    static let inScope: [Role: [Op: ErrorCode?]] = [
        .officer:    [.create: .forbiddenOperation, .setTitle: nil, .setAssignedUnit: .forbiddenField, .setHiddenReason: .forbiddenField, .addNote: nil, .addVerification: nil,
                      .addEvent: .forbiddenOperation, .addAttachment: nil, .blobAvailable: .forbiddenOperation,
                      .recordConflict: .forbiddenOperation, .resolveConflict: nil],
        .leader:     [.create: .forbiddenOperation, .setTitle: nil, .setAssignedUnit: .forbiddenField, .setHiddenReason: .forbiddenField, .addNote: nil, .addVerification: nil,
                      .addEvent: .forbiddenOperation, .addAttachment: nil, .blobAvailable: .forbiddenOperation,
                      .recordConflict: .forbiddenOperation, .resolveConflict: nil],
        .hub:        [.create: nil, .setTitle: nil, .setAssignedUnit: nil, .setHiddenReason: nil, .addNote: nil, .addVerification: .forbiddenOperation,
                      .addEvent: nil, .addAttachment: nil, .blobAvailable: .forbiddenOperation,
                      .recordConflict: .forbiddenOperation, .resolveConflict: nil],
        .supervisor: [.create: .forbiddenOperation, .setTitle: .forbiddenOperation, .setAssignedUnit: .forbiddenField, .setHiddenReason: .forbiddenField, .addNote: nil, .addVerification: .forbiddenOperation,
                      .addEvent: .forbiddenOperation, .addAttachment: .forbiddenOperation, .blobAvailable: .forbiddenOperation,
                      .recordConflict: .forbiddenOperation, .resolveConflict: .forbiddenOperation],
        .admin:      [.create: nil, .setTitle: nil, .setAssignedUnit: nil, .setHiddenReason: nil, .addNote: nil, .addVerification: .forbiddenOperation,
                      .addEvent: nil, .addAttachment: nil, .blobAvailable: .forbiddenOperation,
                      .recordConflict: .forbiddenOperation, .resolveConflict: nil],
    ]

    static let cells: [(Role, Op)] = Role.allCases.flatMap { role in Op.allCases.map { (role, $0) } }

    /// The relay's record in the matrix: assigned to U-HIMLAM in C03124/D094/P11, with one recorded conflict.
    static var matrixRecord: ReportRecord {
        var record = Fixture.record()
        record.conflicts = [Fixture.conflict]
        return record
    }

    func check(_ role: Role, _ op: Op, units: Set<String>, record: ReportRecord? = Self.matrixRecord, wasInScope: Bool = false) -> ErrorCode? {
        let actor = Actor(deviceId: "dev-x", role: role, units: units)
        let operation = SyncOperation(reportId: "rpt-1", stamp: Fixture.stamp(1, 0, "dev-x"), change: op.change())
        return OperationCheck.refusal(of: operation, by: actor, on: record, wasInScope: wasInScope)?.code
    }

    @Test("in scope: each cell is allowed or refused with its code", arguments: cells)
    func inScope(role: Role, op: Op) throws {
        let expected = try #require(Self.inScope[role]?[op])
        #expect(check(role, op, units: ["U-HIMLAM"]) == expected)
    }

    @Test("out of scope: everyone but admin is refused", arguments: cells)
    func outOfScope(role: Role, op: Op) {
        let code = check(role, op, units: ["U-OTHER", "C09999"])
        switch (role, op) {
        case (.admin, _): #expect(code == Self.inScope[.admin]?[op] ?? nil)
        case (_, .create) where role != .hub: #expect(code == .forbiddenOperation)   // the role is checked before the scope
        case (_, .blobAvailable), (_, .recordConflict): #expect(code == .forbiddenOperation)   // the relay's own, whatever the scope
        default: #expect(code == .outOfScope)
        }
    }

    /// Who holds the matrix report (assigned to U-HIMLAM; commune C03124, district D094, province P11) by role
    /// and units: officers and leaders by assignment only; the hub and supervisors by area or assignment.
    static let scopeTable: [(Role, String, Bool)] = [
        (.officer, "U-HIMLAM", true), (.officer, "C03124", false), (.officer, "D094", false), (.officer, "P11", false),
        (.leader, "U-HIMLAM", true), (.leader, "C03124", false), (.leader, "D094", false), (.leader, "P11", false),
        (.hub, "U-HIMLAM", true), (.hub, "C03124", true), (.hub, "D094", true), (.hub, "P11", true), (.hub, "P12", false), (.hub, "D095", false),
        (.supervisor, "U-HIMLAM", true), (.supervisor, "C03124", true), (.supervisor, "D094", true), (.supervisor, "P11", true),
        (.supervisor, "D095", false), (.supervisor, "U-OTHER", false),
        (.admin, "U-OTHER", true), (.admin, "P12", true),
    ]

    @Test("scope by role: officers and leaders by assigned unit, hub and supervisors by area or unit, admin everything", arguments: scopeTable)
    func scopeByRole(role: Role, unit: String, sees: Bool) {
        let actor = Actor(deviceId: "dev-x", role: role, units: [unit])
        #expect(actor.canSee(Fixture.report()) == sees)
        #expect(actor.canSee(Fixture.report().scope) == sees)
        // A note (allowed to every role in scope) is allowed exactly when the report is in scope
        #expect(check(role, .addNote, units: [unit]) == (sees ? nil : .outOfScope))
    }

    @Test("a report with no assigned unit is held by area only", arguments: Role.allCases)
    func unassigned(role: Role) {
        let report = Fixture.report(assignedUnit: nil)
        let byArea = Actor(deviceId: "dev-x", role: role, units: ["D094"])
        let byUnit = Actor(deviceId: "dev-x", role: role, units: ["U-HIMLAM"])
        switch role {
        case .admin: #expect(byArea.canSee(report) && byUnit.canSee(report))
        case .hub, .supervisor: #expect(byArea.canSee(report) && !byUnit.canSee(report))
        case .officer, .leader: #expect(!byArea.canSee(report) && !byUnit.canSee(report))
        }
    }

    @Test("ReportScope survives the relay's text form")
    func scopeEncoding() {
        let scope = Fixture.report().scope
        #expect(scope.encoded == "U-HIMLAM|C03124,D094,P11")
        #expect(ReportScope(encoded: scope.encoded) == scope)
        let unassigned = Fixture.report(assignedUnit: nil).scope
        #expect(ReportScope(encoded: unassigned.encoded) == unassigned)
        #expect(unassigned.assignedUnit == nil)
    }

    /// The report after the hub reassigned it away from the officer's unit.
    static var reassigned: ReportRecord {
        var record = matrixRecord
        record.report.assignedUnit = "U-NOONG-BUA"
        return record
    }

    @Test("after a reassignment, evidence made while the report was in scope is delivered; nothing else is", arguments: Op.allCases)
    func evidenceAfterReassignment(op: Op) {
        let delivered: Set<Op> = [.addNote, .addVerification, .addAttachment]
        for role in [Role.officer, .leader] {
            let then = check(role, op, units: ["U-HIMLAM"], record: Self.reassigned, wasInScope: true)
            let refusedBeforeScope: Set<Op> = [.create, .blobAvailable, .recordConflict]
            if refusedBeforeScope.contains(op) {
                #expect(then == .forbiddenOperation)
            } else if delivered.contains(op) {
                #expect(then == nil, "\(role) \(op)")
            } else {
                #expect(then == .outOfScope, "\(role) \(op)")
            }
            // Without the base-version scope, everything but create and the relay's kinds (role first) is out of scope
            let never = check(role, op, units: ["U-HIMLAM"], record: Self.reassigned, wasInScope: false)
            #expect(never == (refusedBeforeScope.contains(op) ? ErrorCode.forbiddenOperation : .outOfScope))
        }
    }

    @Test("wasInScope does not widen a role: a supervisor that held the report still may not attach")
    func wasInScopeKeepsRoleRules() {
        var moved = Self.matrixRecord
        moved.report.area = AdministrativeArea(province: "P12", district: "D100")
        moved.report.assignedUnit = "U-FAR"
        #expect(check(.supervisor, .addAttachment, units: ["D094"], record: moved, wasInScope: true) == .forbiddenOperation)
        #expect(check(.supervisor, .addNote, units: ["D094"], record: moved, wasInScope: true) == nil)
        #expect(check(.supervisor, .addVerification, units: ["D094"], record: moved, wasInScope: true) == .forbiddenOperation)
    }

    @Test("resolve_conflict needs a recorded conflict of that report; the message points to `onsite conflicts`",
          arguments: [Role.officer, .leader, .hub, .supervisor, .admin])
    func unknownConflict(role: Role) throws {
        let actor = Actor(deviceId: "dev-x", role: role, units: ["U-HIMLAM"])
        let resolve = SyncOperation(reportId: "rpt-1", stamp: Fixture.stamp(1, 0, "dev-x"), change: .resolveConflict(id: UUID()))
        let refusal = try #require(OperationCheck.refusal(of: resolve, by: actor, on: Self.matrixRecord))
        #expect(refusal.code == .unknownConflict)
        #expect(refusal.message.contains("onsite conflicts"))
        // And resolving a conflict that is already resolved is allowed (it applies as a no-op)
        var resolved = Self.matrixRecord
        resolved.resolvedConflicts = [Fixture.conflict.id]
        let again = SyncOperation(reportId: "rpt-1", stamp: Fixture.stamp(2, 0, "dev-x"), change: .resolveConflict(id: Fixture.conflict.id))
        #expect(OperationCheck.refusal(of: again, by: actor, on: resolved)?.code == (role == .supervisor ? ErrorCode.forbiddenOperation : nil))
        #expect(resolved.apply(again) == .superseded)
    }

    @Test("record_conflict is the relay's: every device is refused, whatever its role or scope", arguments: Role.allCases)
    func recordConflictFromDevice(role: Role) {
        #expect(check(role, .recordConflict, units: ["U-HIMLAM"]) == .forbiddenOperation)
        #expect(check(role, .recordConflict, units: ["U-HIMLAM"], record: Fixture.record()) == .forbiddenOperation)
    }

    @Test("an operation on a report the relay does not have is refused in the same words as one outside the scope", arguments: [Op.setTitle, .addNote, .addVerification])
    func unknownReport(op: Op) {
        #expect(check(.officer, op, units: ["U-HIMLAM"], record: nil) == .outOfScope)
        #expect(check(.admin, op, units: [], record: nil) == .outOfScope)
    }

    @Test("a hub may re-import a report outside its scope when the new copy claims an area it has")
    func reimportScopeGap() {
        // Given a report in another province, and a hub of P11
        var elsewhere = Fixture.report()
        elsewhere.area = AdministrativeArea(province: "P12", district: "D100")
        elsewhere.assignedUnit = "U-FAR"
        let record = Fixture.record(elsewhere)
        let actor = Actor(deviceId: "dev-hub-p11", role: .hub, units: ["P11"])
        // When it sends create_report for the same id with an area in P11
        let claim = SyncOperation(reportId: "rpt-1", stamp: Fixture.stamp(5, 0, "dev-hub-p11"), change: .createReport(Fixture.report()))
        // Then it should be refused as out of scope (today it is allowed, and the re-import overwrites the fields)
        #expect(OperationCheck.refusal(of: claim, by: actor, on: record)?.code == .outOfScope)
    }
}

@Suite("OperationCheck: transitions")
struct TransitionCheckTests {
    let officer = Actor(deviceId: "dev-officer-b", role: .officer, units: ["U-HIMLAM"])
    let leader = Actor(deviceId: "dev-leader", role: .leader, units: ["U-HIMLAM"])

    func record(_ status: ReportStatus) -> ReportRecord {
        var report = Fixture.report()
        report.status = status
        return Fixture.record(report)
    }

    func operation(_ action: WorkflowAction, expected: ReportStatus, role: Role, device: String = "dev-officer-b") -> SyncOperation {
        SyncOperation(reportId: "rpt-1", stamp: Fixture.stamp(60_000, 0, device), change: .transition(
            Transition(action: action, expected: expected, role: role, actor: "Quàng Thị Lan", at: Date(timeIntervalSince1970: 1_713_440_000))))
    }

    @Test("a step on a report that moved is refused with report_moved, naming both statuses and what to do")
    func reportMoved() throws {
        // Given officer A's accept reached the relay first
        let moved = record(.accepted)
        // When officer B's offline return_to_hub, made while the report was forwarded, arrives
        let stale = operation(.returnToHub(reason: "Không thuộc thẩm quyền.", suggestedUnit: "U-NOONG-BUA"), expected: .forwarded, role: .officer)
        let refusal = try #require(OperationCheck.refusal(of: stale, by: officer, on: moved))
        // Then it is report_moved, and the sentence tells the officer where the report is now
        #expect(refusal.code == .reportMoved)
        for fragment in ["DB-2024-00017", "Tiếp nhận xử lý (accepted)", "Chuyển xử lý (forwarded)", "`return_to_hub`", "onsite show DB-2024-00017"] {
            #expect(refusal.message.contains(fragment), "\(refusal.message)")
        }
        // And the same step expecting the current status is allowed
        #expect(OperationCheck.refusal(of: operation(.returnToHub(reason: "Không thuộc thẩm quyền.", suggestedUnit: nil), expected: .accepted, role: .officer), by: officer, on: moved) == nil)
    }

    @Test("report_moved is checked before the workflow: a step that would also be forbidden says the report moved")
    func movedBeforeForbidden() {
        let refusal = OperationCheck.refusal(of: operation(.approve, expected: .resultSubmitted, role: .officer), by: officer, on: record(.approved))
        #expect(refusal?.code == .reportMoved)
    }

    @Test("a step the workflow does not allow is refused with forbidden_transition and the workflow's sentence",
          arguments: [
            (WorkflowAction.approve, ReportStatus.resultSubmitted),                        // not an officer's step
            (.submitResult(summary: "Xong.", evidence: ["a"]), .forwarded),                // not from forwarded
            (.submitResult(summary: "Xong.", evidence: []), .inProgress),                  // missing input
            (.returnToHub(reason: "  ", suggestedUnit: nil), .accepted),                   // blank input
          ])
    func forbiddenTransition(action: WorkflowAction, status: ReportStatus) throws {
        let report = record(status)
        let refusal = try #require(OperationCheck.refusal(of: operation(action, expected: status, role: .officer), by: officer, on: report))
        #expect(refusal.code == .forbiddenTransition)
        let workflowError: WorkflowError
        do {
            _ = try Workflow.apply(action, to: report.report, by: .officer, actor: "Quàng Thị Lan", at: Date(timeIntervalSince1970: 1_713_440_000))
            Issue.record("the workflow allowed \(action.kind)"); return
        } catch { workflowError = error }
        #expect(refusal.message == workflowError.description)
    }

    @Test("a transition must claim the device's own role", arguments: Role.allCases)
    func roleMismatch(claimed: Role) {
        // Given an officer's device sending a step in another role (a leader's approve would otherwise be allowed)
        let refusal = OperationCheck.refusal(of: operation(.approve, expected: .resultSubmitted, role: claimed), by: officer, on: record(.resultSubmitted))
        if claimed == .officer {
            #expect(refusal?.code == .forbiddenTransition)
        } else {
            #expect(refusal?.code == .forbiddenOperation)
            #expect(refusal?.message.contains(claimed.rawValue) == true)
        }
        // And the leader's own device may
        #expect(OperationCheck.refusal(of: operation(.approve, expected: .resultSubmitted, role: .leader, device: "dev-leader"), by: leader, on: record(.resultSubmitted)) == nil)
    }

    @Test("scope and existence come before the transition's own checks")
    func scopeFirst() {
        let outside = Actor(deviceId: "dev-officer-b", role: .officer, units: ["U-OTHER"])
        let step = operation(.accept, expected: .received, role: .leader)
        #expect(OperationCheck.refusal(of: step, by: outside, on: record(.forwarded))?.code == .outOfScope)
        #expect(OperationCheck.refusal(of: step, by: officer, on: nil)?.code == .outOfScope)
    }

    @Test("a step made offline on a report that since left the device's units is report_moved, without saying where it went")
    func movedOutOfScope() throws {
        // Given the hub reassigned the report to another unit after officer B pulled it
        var moved = record(.forwarded)
        moved.report.assignedUnit = "U-NOONG-BUA"
        let accept = operation(.accept, expected: .forwarded, role: .officer)
        // When B's offline accept arrives with a base version at which B held the report
        let refusal = try #require(OperationCheck.refusal(of: accept, by: officer, on: moved, wasInScope: true))
        // Then it is report_moved, saying the evidence is kept, and nothing of where the report is now
        #expect(refusal.code == .reportMoved)
        for fragment in ["rpt-1", "`accept`", "saved"] {
            #expect(refusal.message.contains(fragment), "\(refusal.message)")
        }
        for secret in ["DB-2024-00017", "U-NOONG-BUA", "forwarded", moved.report.status.label] {
            #expect(!refusal.message.contains(secret), "\(refusal.message)")
        }
        // And without the base-version scope it is plainly out of scope
        #expect(OperationCheck.refusal(of: accept, by: officer, on: moved, wasInScope: false)?.code == .outOfScope)
    }

    @Test("an allowed step applies with the operation id as its event id; replaying it changes nothing")
    func allowedApplies() throws {
        var report = record(.forwarded)
        let accept = operation(.accept, expected: .forwarded, role: .officer)
        #expect(OperationCheck.refusal(of: accept, by: officer, on: report) == nil)
        #expect(report.apply(accept) == .applied)
        #expect(report.report.status == .accepted)
        #expect(report.events.map(\.id) == [accept.id])
        #expect(report.events.first?.action == "transition:accepted")
        #expect(report.apply(accept) == .superseded)
        // And once applied, the same step from the device again is a report_moved refusal, not a second event
        #expect(OperationCheck.refusal(of: accept, by: officer, on: report)?.code == .reportMoved)
    }
}
