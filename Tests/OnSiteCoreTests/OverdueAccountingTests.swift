import Foundation
import Testing

@testable import OnSiteCore

/// The tables account for every report: counted with a deadline, counted and footnoted, or left out and footnoted.
@Suite("Overdue tables account for every report")
struct OverdueAccountingTests {
    let units: UnitDirectory
    let dienBien: DeadlineEvaluator
    let thaiNguyen: DeadlineEvaluator

    init() throws {
        units = try SampleData.loadUnits(from: Fixtures.samples.appending(path: "units.json"))
        dienBien = try Fixtures.rules("dien-bien").evaluator
        thaiNguyen = try Fixtures.rules("thai-nguyen").evaluator
    }

    /// Plays actions through the workflow from `report` and returns the report and its events.
    func play(_ steps: [(WorkflowAction, Role, String)], from report: Report) throws -> (Report, [Event]) {
        var report = report
        var events: [Event] = []
        for (action, role, time) in steps {
            let step = try Workflow.apply(action, to: report, by: role, actor: "\(role.rawValue)-\(report.id)", at: Fixtures.vn(time))
            report = step.report
            events.append(step.event)
        }
        return (report, events)
    }

    func footnote(_ kind: OverdueFootnote.Kind, in table: OverdueTable) -> OverdueFootnote? {
        table.footnotes.first { $0.kind == kind }
    }

    @Test func aForwardedReportWithoutAForwardingEventIsCountedAndFootnoted() throws {
        // Given the demo's situation: reports imported already forwarded, with no history
        let imported = (1...3).map { Fixtures.report(id: "i\($0)", status: .forwarded) }
        // When the supervisor asks for the table
        let table = OverdueReport.make(reports: imported, events: [], evaluator: dienBien, units: units, asOf: Fixtures.vn("2024-04-19 10:00"))
        // Then they count in Tổng PAHT, not as overdue, and a footnote names them and says why
        #expect(table.totals.total == 3 && table.totals.overdue == 0)
        let note = try #require(footnote(.startUnknown, in: table))
        #expect(note.count == 3 && note.reportCodes == ["DB-2024-I1", "DB-2024-I2", "DB-2024-I3"])
        let text = table.rendered()
        #expect(text.contains("Ghi chú:") && text.contains("3 PAHT không có thời điểm bắt đầu bước xử lý"))
        #expect(table.rendered(language: .english).contains("3 report(s) with no start of the handling step"))
        #expect(table.rendered(as: .csv).contains("\r\n,\"3 PAHT không có thời điểm bắt đầu bước xử lý"))
    }

    @Test func hiddenAndTestReportsAreLeftOutAndCounted() throws {
        let forward: [(WorkflowAction, Role, String)] = [(.forward(unit: "tp-dien-bien-phu"), .hub, "2024-04-01 09:00")]
        let (visible, e1) = try play(forward, from: Fixtures.report(id: "v"))
        let (hidden, e2) = try play(forward + [(.hide(reason: "Nội dung vi phạm"), .hub, "2024-04-02 09:00")], from: Fixtures.report(id: "h"))
        let (hiddenLater, e3) = try play(forward + [(.hide(reason: "Trùng"), .hub, "2024-05-02 09:00")], from: Fixtures.report(id: "l"))
        var test = Fixtures.report(id: "t", status: .forwarded)
        test.code = "TEST-0001"
        let table = OverdueReport.make(
            reports: [visible, hidden, hiddenLater, test], events: e1 + e2 + e3, evaluator: dienBien, units: units,
            asOf: Fixtures.vn("2024-04-19 10:00"))
        // The visible one and the one hidden only after the table's instant count; both are late by then
        #expect(table.totals.total == 2 && table.totals.overdue == 2)
        #expect(footnote(.hidden, in: table)?.reportCodes == ["DB-2024-H"])
        #expect(footnote(.test, in: table)?.reportCodes == ["TEST-0001"])
        #expect(table.rendered().contains("1 PAHT bị ẩn") && table.rendered().contains("1 PAHT thử nghiệm"))
        // A report hidden with no event in its history (only the reason) is left out too
        var bare = Fixtures.report(id: "b", status: .forwarded, hidden: "Vi phạm")
        bare.assignedUnit = "tp-dien-bien-phu"
        let second = OverdueReport.make(reports: [bare], events: [], evaluator: dienBien, units: units, asOf: Fixtures.vn("2024-04-19 10:00"))
        #expect(second.totals.total == 0 && footnote(.hidden, in: second)?.count == 1)
    }

    @Test func theMemoTableAccountsForItsThreeReportsNeverForwarded() throws {
        let memo = Fixtures.samples.appending(path: "memo-2024-04")
        let table = OverdueReport.make(
            reports: try SampleData.loadReports(from: memo.appending(path: "reports.json")),
            events: try SampleData.loadEvents(from: memo.appending(path: "events.json")),
            evaluator: dienBien, units: units, asOf: OverdueTableTests.asOf)
        #expect(table.totals.total == 130)
        #expect(table.footnotes == [OverdueFootnote(kind: .notReached, count: 3)])
    }

    /// One Thái Nguyên report through every timed step, each late or in time as stated.
    func fullLife() throws -> (Report, [Event]) {
        var report = Fixtures.report(id: "tn", receivedAt: Fixtures.vn("2024-03-04 08:00"))
        report.area.province = "thai-nguyen"
        return try play([
            (.forward(unit: "tp-dien-bien-phu"), .hub, "2024-03-04 16:00"),  // ½ day reception: due 13:30 → late; forwarding 1 day: in time
            (.accept, .leader, "2024-03-05 08:00"),
            (.beginVerification, .officer, "2024-03-05 09:00"),
            (.submitResult(summary: "Đã xử lý", evidence: ["a.jpg"]), .officer, "2024-03-07 10:00"),  // handling 3 days: in time
            (.approve, .leader, "2024-03-08 10:00"),  // approval ½ day: due 07/03 15:00 → late
            (.publish, .hub, "2024-03-08 11:00"),  // publication 4 hours: in time
        ], from: report)
    }

    @Test(arguments: [
        (DeadlineStep.reception, 1, 1, "Đã tiếp nhận"), (.forwarding, 1, 0, "Đã chuyển xử lý"), (.handling, 1, 0, "Đã giải quyết"),
        (.approval, 1, 1, "Đã phê duyệt"), (.publication, 1, 0, "Đã công khai"),
    ])
    func eachTimedStepHasItsTable(step: DeadlineStep, resolved: Int, overdue: Int, header: String) throws {
        let (report, events) = try fullLife()
        let table = OverdueReport.make(
            reports: [report], events: events, evaluator: thaiNguyen, units: units, step: step,
            asOf: Fixtures.vn("2024-03-15 10:00"))
        #expect(table.step == step)
        #expect([table.totals.total, table.totals.resolved, table.totals.overdue] as [Int] == [1, resolved, overdue])
        #expect(table.headers()[3] == header)
        #expect(table.footnotes.isEmpty)
    }

    @Test func aStepNotYetStartedIsFootnotedNotCounted() throws {
        let (report, events) = try fullLife()
        // At 07/03 09:00 the result is not yet submitted: no approval step
        let table = OverdueReport.make(
            reports: [report], events: events, evaluator: thaiNguyen, units: units, step: .approval,
            asOf: Fixtures.vn("2024-03-07 09:00"))
        #expect(table.totals.total == 0 && footnote(.notReached, in: table)?.count == 1)
    }

    @Test func theOverdueListSaysUnitHolderAndHowLateInWorkingTime() throws {
        let (late, e1) = try play([
            (.forward(unit: "tp-dien-bien-phu"), .hub, "2024-04-01 09:00"),
            (.accept, .leader, "2024-04-01 10:00"),
            (.beginVerification, .officer, "2024-04-02 08:00"),
        ], from: Fixtures.report(id: "a"))
        let (onTime, e2) = try play([(.forward(unit: "tp-dien-bien-phu"), .hub, "2024-04-18 09:00")], from: Fixtures.report(id: "b"))
        let (notTaken, e3) = try play([(.forward(unit: "huyen-dien-bien"), .hub, "2024-04-05 09:00")], from: Fixtures.report(id: "c"))
        let list = OverdueReport.list(
            reports: [late, onTime, notTaken], events: e1 + e2 + e3, evaluator: dienBien, units: units,
            asOf: Fixtures.vn("2024-04-19 10:00"))
        // Then the two late ones are listed, the latest first
        #expect(list.entries.map(\.code) == ["DB-2024-A", "DB-2024-C"])
        let first = try #require(list.entries.first)
        #expect(first.unitName == "Thành phố Điện Biên Phủ" && first.holder == "officer-a")
        // Due 9/4 09:00 (6 working days); late until 19/4 10:00 with Giỗ Tổ 18/4 off: 7 days 1 h of office time
        #expect(Fixtures.show(first.due) == "2024-04-09 09:00")
        #expect(first.lateWorkingSeconds == (7 * 8 + 1) * 3600)
        let text = list.rendered(timeZone: Fixtures.vietnam)
        #expect(text.contains("DB-2024-A") && text.contains("7 ngày 1 giờ làm việc") && text.contains("09/04/2024 09:00"))
        #expect(text.contains("chưa tiếp nhận"), "the report nobody in the unit took yet")
        #expect(list.rendered(language: .english, timeZone: Fixtures.vietnam).contains("7 working days 1 h"))
    }

    @Test func aDeadlineInAYearWithoutCalendarDataRaisesAWarning() throws {
        // Given a report forwarded late in 2026, its 6 working days run into 2027, which the table has no data for
        let (report, events) = try play(
            [(.forward(unit: "tp-dien-bien-phu"), .hub, "2026-12-29 09:00")], from: Fixtures.report(id: "y", receivedAt: Fixtures.vn("2026-12-28 09:00")))
        let table = OverdueReport.make(reports: [report], events: events, evaluator: dienBien, units: units, asOf: Fixtures.vn("2027-01-15 10:00"))
        let warning = try #require(footnote(.calendarYearsMissing, in: table))
        #expect(warning.years == [2027])
        #expect(table.rendered().contains("CẢNH BÁO: lịch nghỉ lễ không có dữ liệu năm 2027"))
        #expect(dienBien.calendar.yearsWithoutHolidayData(from: Fixtures.vn("2024-01-01 09:00"), to: Fixtures.vn("2026-12-31 09:00")).isEmpty)
    }

    @Test func the2026NewYearSwap() throws {
        let calendar = try Fixtures.rules("thai-nguyen").calendar
        #expect(!calendar.isWorkingDay(LocalDate("2026-01-02")!), "Friday 2/1/2026 is a day off")
        #expect(calendar.isWorkingDay(LocalDate("2026-01-10")!), "Saturday 10/1/2026 is worked instead")
        #expect(calendar.holidays.dayOff(on: LocalDate("2026-01-02")!)?.kind == .swapped)
    }
}
