import Foundation
import OnSiteCore
import OnSiteSync
import Testing

@Suite("OperationCheck: role × operation × scope")
struct OperationCheckTests {
    enum Op: String, CaseIterable, Sendable {
        case create, setTitle, setAssignedUnit, setHiddenReason, addNote, addVerification

        func change() -> Change {
            switch self {
            case .create: .createReport(Fixture.report())
            case .setTitle: .setField(.title, .text("Tiêu đề mới"))
            case .setAssignedUnit: .setField(.assignedUnit, .text("U-OTHER"))
            case .setHiddenReason: .setField(.hiddenReason, .text("Vi phạm"))
            case .addNote: .addNote(Note(author: "A", at: Date(timeIntervalSince1970: 1), text: "n"))
            case .addVerification: .addVerification(Verification(reportId: "rpt-1", officer: "A", visitedAt: Date(timeIntervalSince1970: 1), position: nil, finding: .confirmed, notes: ""))
            }
        }
    }

    /// What each role gets on a report in its scope (nil = allowed), as OperationCheck implements it.
    static let inScope: [Role: [Op: String?]] = [
        .officer:    [.create: "forbidden_operation", .setTitle: nil, .setAssignedUnit: "forbidden_field", .setHiddenReason: "forbidden_field", .addNote: nil, .addVerification: nil],
        .leader:     [.create: "forbidden_operation", .setTitle: nil, .setAssignedUnit: "forbidden_field", .setHiddenReason: "forbidden_field", .addNote: nil, .addVerification: nil],
        .hub:        [.create: nil, .setTitle: nil, .setAssignedUnit: nil, .setHiddenReason: nil, .addNote: nil, .addVerification: "forbidden_operation"],
        .supervisor: [.create: "forbidden_operation", .setTitle: "forbidden_operation", .setAssignedUnit: "forbidden_field", .setHiddenReason: "forbidden_field", .addNote: nil, .addVerification: "forbidden_operation"],
        .admin:      [.create: nil, .setTitle: nil, .setAssignedUnit: nil, .setHiddenReason: nil, .addNote: nil, .addVerification: "forbidden_operation"],
    ]

    static let cells: [(Role, Op)] = Role.allCases.flatMap { role in Op.allCases.map { (role, $0) } }

    func check(_ role: Role, _ op: Op, units: Set<String>, record: ReportRecord? = Fixture.record()) -> String? {
        let actor = Actor(deviceId: "dev-x", role: role, units: units)
        let operation = SyncOperation(reportId: "rpt-1", stamp: Fixture.stamp(1, 0, "dev-x"), change: op.change())
        return OperationCheck.refusal(of: operation, by: actor, on: record)?.code
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
        case (_, .create) where role != .hub: #expect(code == "forbidden_operation")   // the role is checked before the scope
        default: #expect(code == "out_of_scope")
        }
    }

    @Test("scope matches province, district, commune or assigned unit", arguments: ["P11", "D094", "C03124", "U-HIMLAM"])
    func scopeUnits(unit: String) {
        #expect(check(.officer, .addNote, units: [unit]) == nil)
        #expect(check(.officer, .addNote, units: ["D095"]) == "out_of_scope")
    }

    @Test("an operation on a report the relay does not have is refused", arguments: [Op.setTitle, .addNote, .addVerification])
    func unknownReport(op: Op) {
        #expect(check(.officer, op, units: ["U-HIMLAM"], record: nil) == "unknown_report")
        #expect(check(.admin, op, units: [], record: nil) == "unknown_report")
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
        #expect(OperationCheck.refusal(of: claim, by: actor, on: record)?.code == "out_of_scope")
    }
}
