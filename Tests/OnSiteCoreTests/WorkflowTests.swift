import Foundation
import Testing

@testable import OnSiteCore

/// The transitions as the brief and the seeds state them, written out independently of the code's table:
/// kind → (statuses it starts from, or nil for any; roles allowed).
private let specification: [WorkflowAction.Kind: (from: Set<String>?, roles: Set<Role>)] = [
    .forward: (["received", "returned_to_hub", "needs_information", "reopened"], [.hub]),
    .reject: (["received", "returned_to_hub", "needs_information", "reopened"], [.hub]),
    .requestInformation: (["received", "returned_to_hub", "reopened"], [.hub]),
    .markDuplicate: (["received", "returned_to_hub", "needs_information"], [.hub]),
    .accept: (["forwarded"], [.officer, .leader]),
    .returnToHub: (["forwarded", "accepted"], [.officer, .leader]),
    .beginVerification: (["accepted", "sent_back"], [.officer, .leader]),
    .postExtension: (["forwarded", "accepted", "in_progress", "sent_back"], [.officer, .leader]),
    .submitResult: (["in_progress", "sent_back"], [.officer]),
    .approve: (["result_submitted"], [.leader]),
    .editAndApprove: (["result_submitted"], [.leader]),
    .sendBack: (["result_submitted"], [.leader]),
    .publish: (["approved"], [.hub]),
    .deliverPrivately: (["approved"], [.hub]),
    .rate: (["published", "delivered_privately"], [.hub]),
    .reopen: (["published", "delivered_privately", "rated", "rejected", "duplicate"], [.hub]),
    .hide: (nil, [.hub]),
    .unhide: (nil, [.hub]),
]

private let now = Fixtures.vn("2024-03-05 10:00")

private func sample(_ kind: WorkflowAction.Kind) -> WorkflowAction {
    switch kind {
    case .forward: .forward(unit: "tp-dien-bien-phu")
    case .reject: .reject(reason: "Không thuộc phạm vi phản ánh hiện trường")
    case .requestInformation: .requestInformation(missing: ["Địa chỉ cụ thể"])
    case .markDuplicate: .markDuplicate(of: "r0")
    case .accept: .accept
    case .returnToHub: .returnToHub(reason: "Không thuộc thẩm quyền", suggestedUnit: "huyen-dien-bien")
    case .beginVerification: .beginVerification
    case .postExtension: .postExtension(newExpectedDate: now.addingTimeInterval(86_400 * 3), reason: "Cần phối hợp")
    case .submitResult: .submitResult(summary: "Đã thu gom rác", evidence: ["anh-1.jpg"])
    case .approve: .approve
    case .editAndApprove: .editAndApprove(summary: "Đã thu gom rác thải, vệ sinh khu vực")
    case .sendBack: .sendBack(reason: "Thiếu ảnh sau khi khắc phục")
    case .publish: .publish
    case .deliverPrivately: .deliverPrivately
    case .rate: .rate(.acceptable)
    case .reopen: .reopen(reason: "Người dân phản hồi chưa khắc phục")
    case .hide: .hide(reason: "Ngôn từ xúc phạm")
    case .unhide: .unhide(reason: "Ẩn nhầm")
    }
}

@Suite("Workflow")
struct WorkflowTests {
    @Test("every action is allowed exactly for its roles from its statuses", arguments: WorkflowAction.Kind.allCases)
    func matrix(kind: WorkflowAction.Kind) throws {
        let spec = try #require(specification[kind])
        for status in ReportStatus.allCases {
            for role in Role.allCases {
                // Given a report in `status` (hidden when the action is unhide)
                let report = Fixtures.report(status: status, hidden: kind == .unhide ? "Ẩn thử" : nil)
                let expected = (spec.from?.contains(status.rawValue) ?? true) && spec.roles.contains(role)
                // When the role takes the action
                do {
                    let step = try Workflow.apply(sample(kind), to: report, by: role, actor: "tester", at: now)
                    // Then it succeeds only when the specification allows it, and leaves one event
                    #expect(expected, "\(kind) by \(role) from \(status) should be refused")
                    #expect(step.event.reportId == report.id && step.event.at == now && step.event.actor == "tester")
                    if let target = kind.targetStatus {
                        #expect(step.report.status == target)
                        #expect(step.event.action == "transition:\(target.rawValue)")
                    } else {
                        #expect(step.report.status == status, "\(kind) keeps the status")
                    }
                } catch {
                    #expect(!expected, "\(kind) by \(role) from \(status) should be allowed: \(error)")
                    #expect(error.isNotAllowed)
                    #expect(error.description.contains(status.rawValue))
                }
            }
        }
    }

    @Test func theWholeLifeOfAReportLeavesTheDocumentedEvents() throws {
        var report = Fixtures.report()
        var actions: [String] = []
        let steps: [(WorkflowAction, Role)] = [
            (.forward(unit: "tp-dien-bien-phu"), .hub), (.accept, .leader), (.beginVerification, .officer),
            (.postExtension(newExpectedDate: Fixtures.vn("2024-03-20 16:00"), reason: "Chờ phối hợp"), .leader),
            (.submitResult(summary: "Đã xử lý", evidence: ["a.jpg"]), .officer), (.sendBack(reason: "Thiếu ảnh"), .leader),
            (.submitResult(summary: "Đã xử lý xong", evidence: ["a.jpg", "b.jpg"]), .officer), (.approve, .leader),
            (.publish, .hub), (.rate(.notSatisfied), .hub), (.reopen(reason: "Chưa khắc phục"), .hub),
            (.hide(reason: "Vi phạm"), .hub),
        ]
        for (i, (action, role)) in steps.enumerated() {
            let step = try Workflow.apply(action, to: report, by: role, actor: role.rawValue, at: now + Double(i) * 60)
            report = step.report
            actions.append(step.event.action)
        }
        #expect(actions == [
            "transition:forwarded", "transition:accepted", "transition:in_progress", "extension",
            "transition:result_submitted", "transition:sent_back", "transition:result_submitted", "transition:approved",
            "transition:published", "transition:rated", "transition:reopened", "hidden",
        ])
        #expect(report.status == .reopened && report.hiddenReason == "Vi phạm" && report.assignedUnit == "tp-dien-bien-phu")
    }

    @Test func refusalNamesTheStateAndWhatTheRoleMayDo() {
        let report = Fixtures.report(status: .forwarded)
        #expect(throws: WorkflowError.self) { try Workflow.apply(.approve, to: report, by: .leader, actor: "l", at: now) }
        do {
            _ = try Workflow.apply(.approve, to: report, by: .leader, actor: "l", at: now)
        } catch {
            #expect(error.description == """
                Cannot approve report DB-2024-R1: it is forwarded (Chuyển xử lý). From there a leader (Lãnh đạo đơn vị) \
                may: accept, return to the hub, post an extension. To approve is for: leader, from: result_submitted.
                """)
        }
    }

    @Test func confidentialResultsAreDeliveredPrivatelyNotPublished() throws {
        let report = Fixtures.report(status: .approved, confidential: true)
        #expect(throws: WorkflowError.self) { try Workflow.apply(.publish, to: report, by: .hub, actor: "h", at: now) }
        let step = try Workflow.apply(.deliverPrivately, to: report, by: .hub, actor: "h", at: now)
        #expect(step.report.status == .deliveredPrivately)
    }

    @Test func inputsAreCheckedAndNormalised() throws {
        let received = Fixtures.report()
        let nfd = "Thiếu địa chỉ".decomposedStringWithCanonicalMapping
        let step = try Workflow.apply(.requestInformation(missing: [" \(nfd) ", "", "Ảnh"]), to: received, by: .hub, actor: "h", at: now)
        #expect(step.event.detail == "Thiếu địa chỉ\nẢnh")
        #expect(step.event.detail.unicodeScalars.count == "Thiếu địa chỉ\nẢnh".precomposedStringWithCanonicalMapping.unicodeScalars.count)
        for bad: WorkflowAction in [.requestInformation(missing: [" "]), .reject(reason: ""), .forward(unit: " "), .markDuplicate(of: "r1")] {
            #expect(throws: WorkflowError.self) { try Workflow.apply(bad, to: received, by: .hub, actor: "h", at: now) }
        }
        let working = Fixtures.report(status: .inProgress)
        #expect(throws: WorkflowError.self) {
            try Workflow.apply(.submitResult(summary: "Xong", evidence: []), to: working, by: .officer, actor: "o", at: now)
        }
        #expect(throws: WorkflowError.self) {
            try Workflow.apply(.postExtension(newExpectedDate: now, reason: "x"), to: working, by: .leader, actor: "l", at: now)
        }
        #expect(throws: WorkflowError.self) {
            try Workflow.apply(.hide(reason: "x"), to: Fixtures.report(hidden: "y"), by: .hub, actor: "h", at: now)
        }
    }

    @Test func returnToHubClearsTheUnitAndNamesTheSuggestion() throws {
        let report = Fixtures.report(status: .forwarded)
        let step = try Workflow.apply(
            .returnToHub(reason: "Không thuộc thẩm quyền", suggestedUnit: "huyen-dien-bien"), to: report, by: .officer,
            actor: "o", at: now)
        #expect(step.report.assignedUnit == nil)
        #expect(step.event.detail == "Không thuộc thẩm quyền → huyen-dien-bien")
    }

    @Test func extensionDetailCarriesTheNewDate() throws {
        let date = Fixtures.vn("2024-03-20 16:00")
        let step = try Workflow.apply(
            .postExtension(newExpectedDate: date, reason: "Chờ Sở Xây dựng"), to: Fixtures.report(status: .inProgress),
            by: .leader, actor: "l", at: now)
        #expect(step.event.detail == "2024-03-20T09:00:00Z Chờ Sở Xây dựng")
        #expect(EventVocabulary.extensionDate(of: step.event) == date)
    }

    @Test("actions round-trip through JSON with stable snake_case names", arguments: WorkflowAction.Kind.allCases)
    func codable(kind: WorkflowAction.Kind) throws {
        let action = sample(kind)
        let data = try JSONEncoder().encode(action)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["type"] as? String == kind.rawValue)
        #expect(try JSONDecoder().decode(WorkflowAction.self, from: data) == action)
    }

    @Test func wireNamesAreFrozen() throws {
        #expect(WorkflowAction.Kind.allCases.map(\.rawValue) == [
            "forward", "reject", "request_information", "mark_duplicate", "accept", "return_to_hub",
            "begin_verification", "post_extension", "submit_result", "approve", "edit_and_approve", "send_back",
            "publish", "deliver_privately", "rate", "reopen", "hide", "unhide",
        ])
        let json = #"{"type":"return_to_hub","reason":"Sai địa bàn","suggested_unit":"huyen-nam-po"}"#
        #expect(try JSONDecoder().decode(WorkflowAction.self, from: Data(json.utf8))
            == .returnToHub(reason: "Sai địa bàn", suggestedUnit: "huyen-nam-po"))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(WorkflowAction.self, from: Data(#"{"type":"delete"}"#.utf8))
        }
    }
}
