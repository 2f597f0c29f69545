import Foundation
import Testing

@testable import OnSiteCore

@Suite("Notice texts")
struct TextsTests {
    @Test func resultNoticeFollowsAppendixII() {
        let report = Fixtures.report()
        let notice = ResultNotice(report: report, unitName: "UBND Thành phố Điện Biên Phủ",
                                  summary: "Đã thu gom toàn bộ rác thải và nhắc nhở các hộ dân.")
        #expect(notice.text == """
            UBND Thành phố Điện Biên Phủ

            Kính chào: Ông/bà Nguyễn Văn An

            Sau khi nhận được phản ánh của Ông/bà Nguyễn Văn An, UBND Thành phố Điện Biên Phủ đã tiến hành kiểm tra, \
            xử lý và thông báo kết quả như sau:

            Đã thu gom toàn bộ rác thải và nhắc nhở các hộ dân.

            Chúng tôi chân thành cảm ơn Ông/bà Nguyễn Văn An đã kịp thời phản ánh và mong tiếp tục nhận được phản ánh \
            trong thời gian tới.

            Trân trọng.

            """)
    }

    @Test func confidentialReportersAreNotNamed() {
        let report = Fixtures.report(confidential: true)
        let notice = ResultNotice(report: report, unitName: "UBND", summary: "Xong")
        #expect(!notice.text.contains("Nguyễn Văn An") && notice.text.contains("Kính chào: Ông/bà\n"))
        #expect(!InformationRequest(report: report, missing: ["Ảnh"]).text.contains("Nguyễn"))
    }

    @Test func informationRequestFollowsTheDienBienTemplate() {
        let nfd = "Địa chỉ cụ thể nơi xảy ra sự việc".decomposedStringWithCanonicalMapping
        let text = InformationRequest(report: Fixtures.report(), missing: [nfd, " ", "Ảnh chụp hiện trường"]).text
        #expect(text.hasPrefix("Kính gửi Ông/Bà Nguyễn Văn An,\n\nTrung tâm Điều hành thông minh tỉnh Điện Biên (IOC Điện Biên) đã nhận được Phản ánh hiện trường của quý Ông/Bà."))
        #expect(text.contains("các thông tin cần bổ sung như sau:\n\n(1) Địa chỉ cụ thể nơi xảy ra sự việc\n\n(2) Ảnh chụp hiện trường\n\n"))
        #expect(text.hasSuffix("Hoặc xem lại hướng dẫn sử dụng tại mục “Hướng dẫn sử dụng” trên App\nTrân trọng cảm ơn./.\n"))
        #expect(text == VietnameseText.normalized(text), "NFC throughout")
    }

    @Test func textsAreFedFromTheHistory() throws {
        var report = Fixtures.report()
        var events: [Event] = []
        let t0 = Fixtures.vn("2024-03-04 10:00")
        let steps: [(WorkflowAction, Role)] = [
            (.requestInformation(missing: ["Địa chỉ", "Ảnh"]), .hub), (.forward(unit: "tp-dien-bien-phu"), .hub),
            (.accept, .leader), (.beginVerification, .officer),
            (.submitResult(summary: "Bản nháp", evidence: ["a.jpg"]), .officer),
            (.editAndApprove(summary: "Đã thu gom rác thải."), .leader),
        ]
        for (i, (action, role)) in steps.enumerated() {
            let step = try Workflow.apply(action, to: report, by: role, actor: "x", at: t0 + Double(i) * 3600)
            report = step.report
            events.append(step.event)
        }
        #expect(InformationRequest.missingItems(in: events) == ["Địa chỉ", "Ảnh"])
        #expect(ResultNotice.approvedSummary(in: events) == "Đã thu gom rác thải.")
        let plain = events.dropLast() + [Event(reportId: report.id, actor: "l", at: t0 + 9 * 3600,
                                                action: "transition:approved", detail: "")]
        #expect(ResultNotice.approvedSummary(in: Array(plain)) == "Bản nháp")
    }
}
