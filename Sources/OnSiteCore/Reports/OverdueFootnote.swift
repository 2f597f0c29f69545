/// A line under the overdue table that accounts for reports the rows do not assess, or warns about the data.
///
/// The table never drops a report silently: each report given to it is in a row with a deadline, or counted in
/// a row and named here (start unknown, no limit), or left out and counted here (hidden, test, not at the step).
public struct OverdueFootnote: Sendable, Hashable, Codable {
    /// What the footnote is about.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Counted in Tổng PAHT, not assessed: the history does not say when the step started.
        case startUnknown = "start_unknown"
        /// Counted in Tổng PAHT, not assessed: the policy gives the category no limit for the step.
        case noLimit = "no_limit"
        /// Left out: the step had not started at the table's instant.
        case notReached = "not_reached"
        /// Left out: hidden reports (violations; never deleted).
        case hidden
        /// Left out: test reports (code `TEST-…`).
        case test
        /// A warning: deadlines run through years the holiday table has no data for.
        case calendarYearsMissing = "calendar_years_missing"
    }

    public var kind: Kind
    /// How many reports the line is about (0 for the calendar warning).
    public var count: Int
    /// Their codes, in order (the first ones the text names).
    public var reportCodes: [String]
    /// The years without holiday data, for `calendarYearsMissing`.
    public var years: [Int]

    public init(kind: Kind, count: Int, reportCodes: [String] = [], years: [Int] = []) {
        self.kind = kind
        self.count = count
        self.reportCodes = reportCodes
        self.years = years
    }

    private enum CodingKeys: String, CodingKey {
        case kind, count, years
        case reportCodes = "report_codes"
    }

    /// The sentence under the table.
    public func text(step: DeadlineStep, language: ReportLanguage) -> String {
        let n = language.integer(count)
        let names = reportCodes.prefix(5).joined(separator: ", ") + (reportCodes.count > 5 ? ", …" : "")
        let list = reportCodes.isEmpty ? "" : " (\(names))"
        let years = self.years.map(String.init).joined(separator: ", ")
        switch (kind, language) {
        case (.startUnknown, .vietnamese):
            return "\(n) PAHT không có thời điểm bắt đầu bước \(step.label.lowercased()) trong lịch sử\(list): "
                + "tính vào Tổng PAHT, chưa xét quá hạn; bổ sung sự kiện \(step.anchorAction) để tính hạn."
        case (.startUnknown, .english):
            return "\(n) report(s) with no start of the \(step.englishLabel.lowercased()) step in their history\(list): "
                + "counted in Total, not assessed; record their \(step.anchorAction) event to time them."
        case (.noLimit, .vietnamese):
            return "\(n) PAHT thuộc lĩnh vực không có thời hạn cho bước này trong quy định\(list): tính vào Tổng PAHT, không xét quá hạn."
        case (.noLimit, .english):
            return "\(n) report(s) in categories the policy gives no limit for this step\(list): counted in Total, not assessed."
        case (.notReached, .vietnamese):
            return "\(n) PAHT chưa đến bước \(step.label.lowercased()) tại thời điểm lập bảng: không thuộc bảng."
        case (.notReached, .english):
            return "\(n) report(s) had not reached the \(step.englishLabel.lowercased()) step at the table's instant: not in the table."
        case (.hidden, .vietnamese):
            return "\(n) PAHT bị ẩn (vi phạm quy định)\(list): không tính."
        case (.hidden, .english):
            return "\(n) hidden report(s) (violations)\(list): left out."
        case (.test, .vietnamese):
            return "\(n) PAHT thử nghiệm\(list): không tính."
        case (.test, .english):
            return "\(n) test report(s)\(list): left out."
        case (.calendarYearsMissing, .vietnamese):
            return "CẢNH BÁO: lịch nghỉ lễ không có dữ liệu năm \(years); hạn xử lý trong năm đó chỉ tính theo lịch làm việc hằng tuần. Bổ sung năm vào tệp lịch (calendars/)."
        case (.calendarYearsMissing, .english):
            return "WARNING: the holiday table has no data for \(years); deadlines in those years count the weekly schedule only. Add the year to the calendar file (calendars/)."
        }
    }
}

extension DeadlineStep {
    /// The event that starts the step, as people record it: `transition:forwarded`, or the receipt.
    var anchorAction: String { anchor.map(EventVocabulary.transition(to:)) ?? "receivedAt" }
}
