import Foundation
import OnSiteCore
import OnSiteSync
import Testing
import OnSiteTesting


@Suite("Merge converges: random operations, random orders")
struct ConvergencePropertyTests {
    static let seed: UInt64 = 0x0D5E_2024_0418_0830
    static let schedules = 300

    /// A random but valid change to one report, stamped by the device's clock.
    static func randomChange(_ rng: inout SeededGenerator, reportId: String, base: Report, device: String, serial: Int) -> Change {
        let at = Date(timeIntervalSince1970: 1_713_429_000 + Double(Int.random(in: 0..<86_400, using: &rng)))
        switch Int.random(in: 0..<10, using: &rng) {
        case 0:
            // A re-import: same identity, some fields changed.
            var report = base
            report.title = "Nhập lại \(serial)"
            report.isUrgent = Bool.random(using: &rng)
            report.assignedUnit = Bool.random(using: &rng) ? nil : "U-\(serial % 3)"
            return .createReport(report)
        case 1, 2:
            return .addNote(Note(id: UUID(), author: device, at: at, text: "ghi chú \(serial)"))
        case 3:
            return .addVerification(Verification(reportId: reportId, officer: device, visitedAt: at, position: nil, finding: Finding.allCases.randomElement(using: &rng)!, notes: "\(serial)"))
        default:
            let field = ReportField.allCases.randomElement(using: &rng)!
            let value: FieldValue = switch field {
            case .title, .description, .category, .address: .text("\(field.rawValue) \(serial)")
            case .location: Bool.random(using: &rng) ? .null : .point(GeoPoint(latitude: Double(serial % 90), longitude: Double(serial % 180) + 0.25))
            case .isUrgent: .flag(Bool.random(using: &rng))
            case .assignedUnit, .hiddenReason: Bool.random(using: &rng) ? .null : .text("v\(serial)")
            }
            return .setField(field, value)
        }
    }

    @Test("every order, with duplicates, gives the same records")
    func converges() {
        print("merge convergence: seed 0x\(String(Self.seed, radix: 16)), \(Self.schedules) schedules")
        for schedule in 0..<Self.schedules {
            let scheduleSeed = Self.seed &+ UInt64(schedule)
            var rng = SeededGenerator(seed: scheduleSeed)
            // Given 3-5 devices with clocks skewed by up to ±24 h, and 1-3 reports created by the hub
            let devices = (0..<Int.random(in: 3...5, using: &rng)).map { "dev-\($0)" }
            let reports = (0..<Int.random(in: 1...3, using: &rng)).map { Fixture.report(id: "rpt-\($0)") }
            var clocks = devices.map { HybridClock(device: $0) }
            let skews = devices.map { _ in Int64.random(in: -86_400_000...86_400_000, using: &rng) }
            var operations: [SyncOperation] = []
            var wall = Fixture.t0
            for serial in 0..<Int.random(in: 10...40, using: &rng) {
                let d = Int.random(in: 0..<devices.count, using: &rng)
                wall += Int64.random(in: 0...2_000, using: &rng)
                // Sometimes a device pulls first and sees another's stamps
                if Bool.random(using: &rng), let seen = operations.randomElement(using: &rng) { clocks[d].observe(seen.stamp, wallMillis: wall + skews[d], maxLead: 3 * 86_400_000) }
                let report = reports.randomElement(using: &rng)!
                let stamp = clocks[d].tick(wallMillis: wall + skews[d], maxLead: 3 * 86_400_000)
                let change = Self.randomChange(&rng, reportId: report.id, base: report, device: devices[d], serial: serial)
                operations.append(SyncOperation(reportId: report.id, stamp: stamp, change: change))
            }
            func merged(_ order: [SyncOperation]) -> [String: ReportRecord] {
                var records = Dictionary(uniqueKeysWithValues: reports.map { ($0.id, Fixture.record($0)) })
                for operation in order { records[operation.reportId]?.apply(operation) }
                return records
            }
            // When they are applied in the order made, and in random orders with random duplicates
            let reference = merged(operations)
            for _ in 0..<4 {
                var order = operations + operations.filter { _ in Int.random(in: 0..<4, using: &rng) == 0 }
                order.shuffle(using: &rng)
                let result = merged(order)
                // Then every order gives the same records
                guard result == reference else {
                    Issue.record("schedule \(schedule) (seed 0x\(String(scheduleSeed, radix: 16))) diverged")
                    return
                }
            }
            // And each field holds the write with the greatest stamp; every note and verification is kept once
            for report in reports {
                let record = reference[report.id]!
                let mine = operations.filter { $0.reportId == report.id }
                for field in ReportField.allCases {
                    let writes = mine.filter {
                        if case .setField(let f, _) = $0.change { return f == field }
                        if case .createReport = $0.change { return true }
                        return false
                    }
                    let winner = writes.map(\.stamp).max()
                    #expect(record.fieldStamps[field.rawValue] == max(winner ?? Fixture.stamp(0, 0, "dev-hub"), Fixture.stamp(0, 0, "dev-hub")))
                }
                #expect(record.notes.count == mine.filter { if case .addNote = $0.change { true } else { false } }.count)
                #expect(record.verifications.count == mine.filter { if case .addVerification = $0.change { true } else { false } }.count)
            }
        }
    }

    @Test("two imports of one report that differ outside the merged fields depend on the order")
    func createReportIdentityIsNotMerged() {
        // Given two create_report operations for the same id whose code and status differ
        var first = Fixture.report()
        first.code = "DB-2024-00017"
        var second = first
        second.code = "DB-2024-99999"
        second.status = .received
        let a = SyncOperation(reportId: "rpt-1", stamp: Fixture.stamp(1, 0, "dev-hub-a"), change: .createReport(first))
        let b = SyncOperation(reportId: "rpt-1", stamp: Fixture.stamp(2, 0, "dev-hub-b"), change: .createReport(second))
        // When each order starts from the first create it sees (as the relay and a replica do)
        var ab = ReportRecord(created: first, stamp: a.stamp); ab.apply(b)
        var ba = ReportRecord(created: second, stamp: b.stamp); ba.apply(a)
        // Then the records should be equal; today code, area, reporter, receivedAt, status and dueAt come from whichever came first
        withKnownIssue("ReportRecord merges only ReportField fields of a create_report") {
            #expect(ab == ba)
        }
    }
}

@Suite("Transitions: what log order protects")
struct TransitionOrderTests {
    func op(_ action: WorkflowAction, expected: ReportStatus, role: Role, device: String, _ offset: Int64) -> SyncOperation {
        SyncOperation(reportId: "rpt-1", stamp: Fixture.stamp(offset, 0, device), change: .transition(
            Transition(action: action, expected: expected, role: role, actor: device, at: Date(timeIntervalSince1970: 1_713_430_000 + Double(offset)))))
    }

    @Test("a step that keeps the status, then another device's step: the replica replays both in log order")
    func ownStepFirst() {
        // Given a report accepted by the unit; the hub hides it (log version n), and an officer who had not
        // pulled that begins the verification (version n+1): both were accepted by the relay, in that order
        var accepted = Fixture.report()
        accepted.status = .accepted
        let hide = op(.hide(reason: "Thông tin cá nhân trong mô tả."), expected: .accepted, role: .hub, device: "dev-hub", 1_000)
        let begin = op(.beginVerification, expected: .accepted, role: .officer, device: "dev-officer", 2_000)
        var relay = Fixture.record(accepted)
        relay.apply(hide)
        relay.apply(begin)
        #expect(relay.report.hiddenReason != nil && relay.report.status == .inProgress)
        // When the officer's replica keeps its accepted step queued (acknowledged, not merged into the base:
        // Replica.acknowledge) and the pull brings both steps back in log order
        var base = Fixture.record(accepted)
        var shown = base
        shown.apply(begin)                          // the visible state before the pull: base + queued step
        #expect(shown.report.status == .inProgress)
        for pulled in [hide, begin] { base.apply(pulled) }
        // Then the base is the relay's record (applying the own step first would skip the hide)
        #expect(base == relay)
        var ownFirst = Fixture.record(accepted)
        ownFirst.apply(begin); ownFirst.apply(hide)
        #expect(ownFirst != relay, "the rule matters: out of log order the hide finds in_progress and is skipped")
    }

    @Test("a forward and a set_field of assigned_unit commute: the greatest stamp wins")
    func forwardVersusSetField() {
        var received = Fixture.report(assignedUnit: nil)
        received.status = .received
        let forward = op(.forward(unit: "U-TALENG"), expected: .received, role: .hub, device: "dev-hub-a", 1_000)
        let assign = SyncOperation(reportId: "rpt-1", stamp: Fixture.stamp(2_000, 0, "dev-hub-b"), change: .setField(.assignedUnit, .text("U-HIMLAM")))
        var ab = Fixture.record(received), ba = Fixture.record(received)
        ab.apply(forward); ab.apply(assign)
        ba.apply(assign); ba.apply(forward)
        #expect(ab == ba)
        #expect(ab.report.assignedUnit == "U-HIMLAM" && ab.report.status == .forwarded)
        #expect(ab.fieldStamps[ReportField.assignedUnit.rawValue] == assign.stamp)
        #expect(ab.events.map(\.id) == [forward.id])
    }

    @Test("a step that writes the value a field already holds still stamps it")
    func forwardToTheSameUnit() {
        // Given an older set_field that already names the unit the forward names
        var received = Fixture.report(assignedUnit: nil)
        received.status = .received
        let older = SyncOperation(reportId: "rpt-1", stamp: Fixture.stamp(500, 0, "dev-hub-b"), change: .setField(.assignedUnit, .text("U-TALENG")))
        let forward = op(.forward(unit: "U-TALENG"), expected: .received, role: .hub, device: "dev-hub-a", 1_000)
        var ab = Fixture.record(received), ba = Fixture.record(received)
        ab.apply(forward); ab.apply(older)
        ba.apply(older); ba.apply(forward)
        // Then both orders hold the forward's stamp (a later write between 500 and 1000 must lose in both)
        #expect(ab.fieldStamps[ReportField.assignedUnit.rawValue] == forward.stamp)
        #expect(ab == ba)
    }
}
