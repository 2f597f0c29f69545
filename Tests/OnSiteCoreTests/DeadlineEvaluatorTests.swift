import Foundation
import Testing

@testable import OnSiteCore

@Suite("Deadlines derived from the history")
struct DeadlineEvaluatorTests {
    let evaluator: DeadlineEvaluator

    init() throws { evaluator = try Fixtures.rules("dien-bien").evaluator }

    /// Plays actions through the workflow and returns the report and its events.
    func play(_ steps: [(WorkflowAction, Role, String)], from report: Report = Fixtures.report()) throws -> (Report, [Event]) {
        var report = report
        var events: [Event] = []
        for (action, role, time) in steps {
            let step = try Workflow.apply(action, to: report, by: role, actor: role.rawValue, at: Fixtures.vn(time))
            report = step.report
            events.append(step.event)
        }
        return (report, events)
    }

    @Test func receivedReportsMustBeClassifiedInOneWorkingDay() throws {
        // Given a report received on Friday afternoon
        let report = Fixtures.report(receivedAt: Fixtures.vn("2024-03-29 14:00"))
        // Then the hub's decision is due on Monday at 14:00
        let deadline = try #require(evaluator.currentDeadline(of: report, events: []))
        #expect(deadline.step == .forwarding && Fixtures.show(deadline.due) == "2024-04-01 14:00")
        #expect(!deadline.isOverdue(at: Fixtures.vn("2024-04-01 14:00")))
        #expect(deadline.isOverdue(at: Fixtures.vn("2024-04-01 14:01")))
        #expect(Fixtures.show(evaluator.refreshed(report, events: []).dueAt ?? .distantPast) == "2024-04-01 14:00")
    }

    @Test func handlingCountsFromForwardingAndEndsWithTheApprovedResult() throws {
        let (report, events) = try play([
            (.forward(unit: "tp-dien-bien-phu"), .hub, "2024-04-15 09:00"),
            (.accept, .leader, "2024-04-15 10:00"),
            (.beginVerification, .officer, "2024-04-16 08:00"),
            (.submitResult(summary: "Đã xử lý", evidence: ["a.jpg"]), .officer, "2024-04-23 10:00"),
            (.sendBack(reason: "Thiếu ảnh"), .leader, "2024-04-23 15:00"),
            (.submitResult(summary: "Đã xử lý xong", evidence: ["a.jpg", "b.jpg"]), .officer, "2024-04-24 08:30"),
            (.approve, .leader, "2024-04-24 16:00"),
        ])
        let handling = try #require(evaluator.deadline(for: .handling, of: report, events: events))
        // 6 working days from Monday 15/4 09:00, skipping Giỗ Tổ on Thursday 18/4.
        #expect(Fixtures.show(handling.due) == "2024-04-24 09:00")
        // Completed when the approved result was submitted (08:30), not at the sent-back one.
        #expect(handling.completedAt == Fixtures.vn("2024-04-24 08:30"))
        #expect(handling.isCompletedInTime == true)
        #expect(evaluator.currentDeadline(of: report, events: events) == nil, "Điện Biên sets no publication limit")
    }

    @Test func anExtensionMovesTheDueDateAndStaysInHistory() throws {
        let (report, events) = try play([
            (.forward(unit: "tp-dien-bien-phu"), .hub, "2024-04-15 09:00"),
            (.accept, .leader, "2024-04-15 10:00"),
            (.postExtension(newExpectedDate: Fixtures.vn("2024-05-03 16:00"), reason: "Chờ phối hợp"), .leader,
             "2024-04-22 09:00"),
        ])
        let deadline = try #require(evaluator.currentDeadline(of: report, events: events))
        #expect(Fixtures.show(deadline.originalDue) == "2024-04-24 09:00")
        #expect(Fixtures.show(deadline.due) == "2024-05-03 16:00" && deadline.extensions.count == 1)
        #expect(!deadline.isOverdue(at: Fixtures.vn("2024-04-25 09:00")))
        #expect(!deadline.wasOverdue(by: Fixtures.vn("2024-05-03 16:00")))
        #expect(deadline.isOverdue(at: Fixtures.vn("2024-05-06 08:00")))
        // Before the notice was posted, the original date was in force.
        #expect(deadline.due(at: Fixtures.vn("2024-04-20 09:00")) == deadline.originalDue)
    }

    @Test func aLateExtensionDoesNotEraseTheBreach() throws {
        let (report, events) = try play([
            (.forward(unit: "tp-dien-bien-phu"), .hub, "2024-04-15 09:00"),
            (.accept, .leader, "2024-04-15 10:00"),
            (.postExtension(newExpectedDate: Fixtures.vn("2024-05-10 16:00"), reason: "Quá hạn, ấn định lại"), .leader,
             "2024-04-26 09:00"),
        ])
        let deadline = try #require(evaluator.currentDeadline(of: report, events: events))
        #expect(!deadline.isOverdue(at: Fixtures.vn("2024-05-02 09:00")), "the new date is in force")
        #expect(deadline.wasOverdue(by: Fixtures.vn("2024-05-02 09:00")), "but it was late on 24–26/4")
    }

    @Test func aPolicyChangeIsAppliedByEvaluatingAgain() throws {
        let (report, events) = try play([(.forward(unit: "tp-dien-bien-phu"), .hub, "2024-04-15 09:00")])
        var policy = evaluator.policy
        policy.steps[.handling] = .init(default: .workingDays(3))
        let stricter = DeadlineEvaluator(policy: policy, calendar: evaluator.calendar)
        let due = try #require(stricter.currentDeadline(of: report, events: events)).due
        #expect(Fixtures.show(due) == "2024-04-19 09:00")
    }

    @Test func aReturnRestartsTheHubsClockAndAReopeningTheUnits() throws {
        let (returned, events) = try play([
            (.forward(unit: "tp-dien-bien-phu"), .hub, "2024-04-15 09:00"),
            (.returnToHub(reason: "Sai địa bàn", suggestedUnit: "huyen-dien-bien"), .officer, "2024-04-16 09:00"),
        ])
        let hub = try #require(evaluator.currentDeadline(of: returned, events: events))
        #expect(hub.step == .forwarding && Fixtures.show(hub.due) == "2024-04-17 09:00")
        let (forwardedAgain, more) = try play(
            [(.forward(unit: "huyen-dien-bien"), .hub, "2024-04-16 10:00")], from: returned)
        let unit = try #require(evaluator.currentDeadline(of: forwardedAgain, events: events + more))
        #expect(unit.step == .handling && unit.startedAt == Fixtures.vn("2024-04-16 10:00"))
    }

    @Test func urgentReportsFollowThePolicyFileNotTheirForwardingInstant() throws {
        // Given Thái Nguyên's policy: urgent steps "ngay", stated in the file as 2 clock hours per step
        let thaiNguyen = try Fixtures.rules("thai-nguyen").evaluator
        var urgent = Fixtures.report(urgent: true, receivedAt: Fixtures.vn("2024-03-09 22:00"))
        urgent.area.province = "thai-nguyen"
        // Then reception runs 2 hours from receipt, at night too
        let reception = try #require(thaiNguyen.currentDeadline(of: urgent, events: []))
        #expect(Fixtures.show(reception.due) == "2024-03-10 00:00")
        // And an urgent report forwarded and handled within an hour is not overdue
        let (handled, events) = try play([
            (.forward(unit: "tp-dien-bien-phu"), .hub, "2024-03-09 22:30"),
            (.accept, .leader, "2024-03-09 22:40"),
            (.beginVerification, .officer, "2024-03-09 22:45"),
            (.submitResult(summary: "Đã xử lý", evidence: ["a.jpg"]), .officer, "2024-03-09 23:20"),
            (.approve, .leader, "2024-03-09 23:30"),
        ], from: urgent)
        let handling = try #require(thaiNguyen.deadline(for: .handling, of: handled, events: events))
        #expect(handling.due != handling.startedAt, "not due at its forwarding instant")
        #expect(Fixtures.show(handling.due) == "2024-03-10 00:30" && handling.isCompletedInTime == true)
        // And one left open past the 2 hours is overdue, though the normal limit (3 working days) is far
        let (open, openEvents) = try play([(.forward(unit: "tp-dien-bien-phu"), .hub, "2024-03-09 22:30")], from: urgent)
        let late = try #require(thaiNguyen.deadline(for: .handling, of: open, events: openEvents))
        #expect(late.isOverdue(at: Fixtures.vn("2024-03-10 01:00")))
        // And in Điện Biên, whose policy has no urgent rule, an urgent report has the normal limit
        let dienBien = try #require(evaluator.currentDeadline(of: Fixtures.report(urgent: true, receivedAt: Fixtures.vn("2024-03-08 09:00")), events: []))
        #expect(Fixtures.show(dienBien.due) == "2024-03-11 09:00")
    }

    @Test func anUrgentRuleInAPolicyFileDecodesPerStep() throws {
        let json = #"{"province":"x","name":"X","urgent":{"default":{"hours":2},"steps":{"handling":{"hours":24}},"source":"s"},"steps":{"handling":{"default":{"working_days":3}},"approval":{"default":{"working_days":0.5}}}}"#
        let policy = try JSONDecoder().decode(DeadlinePolicy.self, from: Data(json.utf8))
        #expect(policy.limit(for: .handling, category: "a", isUrgent: true) == .elapsedHours(24))
        #expect(policy.limit(for: .approval, category: "a", isUrgent: true) == .elapsedHours(2))
        #expect(policy.limit(for: .publication, category: "a", isUrgent: true) == nil, "urgency gives no deadline to an untimed step")
        #expect(policy.limit(for: .handling, category: "a") == .workingDays(3))
        let bare = try JSONDecoder().decode(DeadlinePolicy.self, from: Data(#"{"province":"x","name":"X","urgent":{"hours":1},"steps":{"handling":{"default":{"working_days":3}}}}"#.utf8))
        #expect(bare.limit(for: .handling, category: "a", isUrgent: true) == .elapsedHours(1))
        let wrong = #"{"province":"x","name":"X","urgent":{"steps":{"handing":{"hours":1}}},"steps":{}}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(DeadlinePolicy.self, from: Data(wrong.utf8)) }
        let roundTrip = try JSONDecoder().decode(DeadlinePolicy.self, from: JSONEncoder().encode(policy))
        #expect(roundTrip == policy)
    }

    @Test func eventsOfOtherReportsAndOrderDoNotMatter() throws {
        let (report, events) = try play([
            (.forward(unit: "tp-dien-bien-phu"), .hub, "2024-04-15 09:00"),
            (.accept, .leader, "2024-04-15 10:00"),
        ])
        let noise = Event(reportId: "other", actor: "h", at: Fixtures.vn("2024-04-16 09:00"),
                          action: "transition:forwarded", detail: "x")
        let a = evaluator.currentDeadline(of: report, events: events)
        let b = evaluator.currentDeadline(of: report, events: [noise] + events.reversed())
        #expect(a == b && a != nil)
    }
}
