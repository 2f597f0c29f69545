import Foundation
import OnSiteCore

/// The supervisor page's words, in Vietnamese (the default) or English, and how it writes numbers and instants:
/// day first, in the province's time (Asia/Ho_Chi_Minh), `1.234` in Vietnamese.
struct WebText: Sendable {
    let language: ReportLanguage
    let time: LocalTimeFormat

    init(_ language: ReportLanguage) {
        self.language = language
        self.time = LocalTimeFormat(timeZone: Self.provinceTimeZone, language: language)
    }

    /// The zone of Vietnamese provinces.
    static let provinceTimeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh") ?? TimeZone(secondsFromGMT: 7 * 3600) ?? .gmt

    private var vi: Bool { language == .vietnamese }
    private func t(_ vietnamese: String, _ english: String) -> String { vi ? vietnamese : english }

    var htmlLanguage: String { vi ? "vi" : "en" }
    var appName: String { t("OnSite — Giám sát phản ánh hiện trường", "OnSite — Field report supervision") }
    var otherLanguageName: String { t("English", "Tiếng Việt") }
    var otherLanguageCode: String { vi ? "en" : "vi" }
    var signIn: String { t("Đăng nhập", "Sign in") }
    var signOut: String { t("Đăng xuất", "Sign out") }
    var tokenLabel: String { t("Mã truy cập của thiết bị (giám sát hoặc IOC)", "Device token (supervisor or hub)") }
    var signInHint: String {
        t("Nhập mã truy cập do quản trị viên cấp. Trang chỉ để xem; phiên đăng nhập hết hạn sau 30 phút không dùng.",
          "Enter the token your administrator gave you. The page is read only; a session ends after 30 idle minutes.")
    }
    var wrongToken: String {
        t("Mã truy cập không đúng, đã bị thu hồi hoặc đã được thay. Hãy kiểm tra lại mã, hoặc xin quản trị viên cấp mã mới.",
          "This token is wrong, revoked or replaced. Check it, or ask the administrator for a new one.")
    }
    func roleRefused(_ role: Role) -> String {
        t("Trang này dành cho lãnh đạo / tổ điều hành IOC và người xử lý tại IOC; mã này thuộc vai trò “\(role.label)”. Hãy dùng ứng dụng onsite.",
          "This page is for supervisors and the hub; this token belongs to the role “\(role.rawValue)”. Use the onsite app instead.")
    }
    var crossSiteRefused: String {
        t("Yêu cầu không đến từ trang này nên bị từ chối. Hãy mở lại trang và thử lại.",
          "The request did not come from this page and was refused. Open the page again and retry.")
    }
    var sessionEnded: String {
        t("Phiên đăng nhập đã hết hạn hoặc đã kết thúc. Hãy đăng nhập lại.", "Your session has ended. Please sign in again.")
    }
    var notFound: String { t("Không tìm thấy trang hoặc PAHT này trong phạm vi của bạn.", "No such page or report in your scope.") }
    var serverFailed: String {
        t("Máy chủ gặp lỗi khi dựng trang này. Hãy thử lại; nếu còn lỗi, báo quản trị viên (nhật ký của relay có chi tiết).",
          "The relay failed to build this page. Retry; if it persists, tell the administrator (the relay's log has details).")
    }
    var photoUnreadable: String { t("Không đọc được ảnh này để thu nhỏ.", "This photo could not be read to make a thumbnail.") }

    func overdueHeading(step: DeadlineStep, province: String, asOf: Date) -> String {
        t("PAHT quá hạn bước \(step.label.lowercased()) — \(province), tại \(time.dateTimeWithZone(asOf))",
          "Overdue reports, \(step.englishLabel.lowercased()) step — \(province), as of \(time.dateTimeWithZone(asOf))")
    }
    var noReports: String { t("Chưa có PAHT nào trong phạm vi của bạn.", "No reports in your scope yet.") }
    var back: String { t("← Quay lại", "← Back") }
    var home: String { t("Bảng tổng hợp", "Summary") }
    var reportsOf: String { t("Danh sách PAHT", "Reports") }
    var mapTitle: String { t("Bản đồ PAHT", "Map of reports") }
    func mapClustered(_ reports: Int, areas: Int) -> String {
        t("Nhiều PAHT: bản đồ gộp \(number(reports)) PAHT thành \(number(areas)) vòng tròn, mỗi vòng một đơn vị (màu đỏ: có PAHT quá hạn); bấm vào vòng để xem bảng của đơn vị.",
          "Many reports: the map groups \(number(reports)) reports into \(number(areas)) circles, one per unit (red: some overdue); click a circle for the unit's table.")
    }
    func mapCluster(_ name: String, reports: Int, overdue: Int) -> String {
        t("\(name): \(number(reports)) PAHT, \(number(overdue)) quá hạn", "\(name): \(number(reports)) reports, \(number(overdue)) overdue")
    }
    func mapWithoutPlace(_ count: Int) -> String {
        t("\(number(count)) PAHT không có toạ độ nên không có trên bản đồ.", "\(number(count)) reports have no position and are not on the map.")
    }
    var legendOverdue: String { t("Quá hạn", "Overdue") }
    var legendOnTime: String { t("Trong hạn / đã xong", "On time / done") }
    var legendNoDeadline: String { t("Chưa tính hạn", "No deadline") }
    var noCommune: String { t("(chưa rõ xã)", "(no commune)") }

    // Report list
    var code: String { t("Mã PAHT", "Code") }
    var title: String { t("Tiêu đề", "Title") }
    var status: String { t("Trạng thái", "Status") }
    var due: String { t("Hạn", "Due") }
    var state: String { t("Tình trạng", "State") }
    var urgent: String { t("Khẩn", "Urgent") }
    func page(_ page: Int, of pages: Int, total: Int) -> String {
        t("Trang \(page)/\(pages) — \(number(total)) PAHT", "Page \(page) of \(pages) — \(number(total)) reports")
    }
    var previous: String { t("← Trang trước", "← Previous") }
    var next: String { t("Trang sau →", "Next →") }

    // One report
    var category: String { t("Lĩnh vực", "Category") }
    var address: String { t("Địa chỉ", "Address") }
    var area: String { t("Địa bàn", "Area") }
    var assignedUnit: String { t("Đơn vị xử lý", "Handling unit") }
    var receivedAt: String { t("Tiếp nhận", "Received") }
    var reporter: String { t("Người phản ánh", "Reporter") }
    var reporterHidden: String {
        t("Thông tin người phản ánh được ẩn với vai trò của bạn.", "The reporter's details are hidden from your role.")
    }
    var confidential: String { t("(đề nghị giữ bí mật)", "(asked for confidentiality)") }
    var description: String { t("Nội dung", "Description") }
    var deadline: String { t("Hạn bước hiện tại", "Current step's deadline") }
    var noDeadline: String { t("Chưa tính được hạn (bước chưa được tính giờ hoặc thiếu lịch sử).", "No deadline (the step is not timed, or its start is not in the history).") }
    var history: String { t("Lịch sử xử lý", "History") }
    var verifications: String { t("Xác minh tại hiện trường", "On-site verifications") }
    var notes: String { t("Ghi chú", "Notes") }
    var photos: String { t("Ảnh", "Photos") }
    var evidenceWarnings: String { t("Cảnh báo về ảnh", "Photo warnings") }
    var none: String { t("Chưa có.", "None.") }
    var photoPending: String { t("Ảnh đang được gửi lên", "Photo still uploading") }
    var photoNotShared: String { t("Ảnh không được chia sẻ với vai trò của bạn", "Photo not shared with your role") }
    var noPosition: String { t("không có toạ độ", "no position") }
    var hidden: String { t("Đã ẩn", "Hidden") }

    func statusLabel(_ status: ReportStatus) -> String { vi ? status.label : status.rawValue.replacingOccurrences(of: "_", with: " ") }
    func finding(_ finding: Finding) -> String { vi ? finding.label : finding.rawValue.replacingOccurrences(of: "_", with: " ") }
    func step(_ step: DeadlineStep) -> String { vi ? step.label : step.englishLabel }
    func number(_ value: Int) -> String { language.integer(value) }
    func percent(_ fraction: Double) -> String { language.percent(fraction) }
    func dateTime(_ instant: Date) -> String { time.dateTime(instant) }

    /// `QUÁ HẠN 2 giờ làm việc`, `trong hạn, còn 1 ngày làm việc`, `đã xong 19/04/2024 10:00`.
    func deadlineState(_ deadline: Deadline, asOf: Date, calendar: WorkingCalendar?) -> String {
        let due = deadline.due(at: asOf)
        if let done = deadline.completedAt, done <= asOf {
            let late = deadline.wasOverdue(by: asOf) ? t(", trễ hạn", ", late") : ""
            return t("đã xong \(time.dateTime(done))", "done \(time.dateTime(done))") + late
        }
        let hours = calendar?.hoursPerWorkingDay ?? 8
        if deadline.isOverdue(at: asOf) {
            let late = calendar.map { time.workingTime($0.workingTime(from: due, to: asOf), hoursPerWorkingDay: hours) } ?? ""
            return t("QUÁ HẠN \(late)", "OVERDUE by \(late)")
        }
        let left = calendar.map { time.workingTime($0.workingTime(from: asOf, to: due), hoursPerWorkingDay: hours) } ?? ""
        return t("trong hạn, còn \(left)", "on time, \(left) left")
    }

    /// One history event in words.
    func event(_ event: Event, units: UnitDirectory?) -> String {
        if let status = EventVocabulary.status(of: event) {
            let detail = status == .forwarded ? (units?.name(of: event.detail) ?? event.detail) : event.detail
            return "→ \(statusLabel(status))" + (detail.isEmpty ? "" : ": \(detail)")
        }
        if event.action == EventVocabulary.extensionNotice, let date = EventVocabulary.extensionDate(of: event) {
            return t("Gia hạn đến ", "Extended to ") + time.dateTime(date)
        }
        if event.action == EventVocabulary.hidden { return t("Ẩn: ", "Hidden: ") + event.detail }
        if event.action == EventVocabulary.unhidden { return t("Hiện lại: ", "Shown again: ") + event.detail }
        return event.action + (event.detail.isEmpty ? "" : ": \(event.detail)")
    }

    func photoWarning(_ warning: PhotoWarning) -> String { warning.message(in: vi ? .vietnamese : .english) }
}
