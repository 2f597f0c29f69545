import Foundation

/// The request for more information sent to the citizen (Điện Biên memo, "Mẫu trả lời phản ánh, kiến nghị").
///
/// ```swift
/// let text = InformationRequest(report: report, missing: ["Địa chỉ cụ thể", "Ảnh chụp hiện trường"]).text
/// ```
public struct InformationRequest: Sendable, Hashable {
    /// How the reporter is addressed, e.g. "Ông/Bà Nguyễn Văn An".
    public var addressee: String
    /// The centre that received the report, e.g. "Trung tâm Điều hành thông minh tỉnh Điện Biên (IOC Điện Biên)".
    public var centreName: String
    /// The items to add, numbered (1), (2), … in the text.
    public var missing: [String]

    /// The centre name of the Điện Biên template.
    public static let dienBienCentre = "Trung tâm Điều hành thông minh tỉnh Điện Biên (IOC Điện Biên)"

    /// A request from its parts, normalised to NFC; empty items are dropped.
    public init(addressee: String, missing: [String], centreName: String = dienBienCentre) {
        self.addressee = VietnameseText.cleaned(addressee)
        self.centreName = VietnameseText.cleaned(centreName)
        self.missing = missing.map(VietnameseText.cleaned).filter { !$0.isEmpty }
    }

    /// The request for `report`; the reporter's name is used unless the report is confidential.
    public init(report: Report, missing: [String], centreName: String = dienBienCentre) {
        let name = VietnameseText.cleaned(report.reporter.name ?? "")
        let addressee = report.reporter.isConfidential || name.isEmpty ? "Ông/Bà" : "Ông/Bà \(name)"
        self.init(addressee: addressee, missing: missing, centreName: centreName)
    }

    /// The text, following the template.
    public var text: String {
        let items = missing.enumerated().map { "(\($0.offset + 1)) \($0.element)" }.joined(separator: "\n\n")
        return """
            Kính gửi \(addressee),

            \(centreName) đã nhận được Phản ánh hiện trường của quý Ông/Bà.

            Sau khi đánh giá nội dung, hiện tại cơ quan giải quyết chưa thực hiện xử lý Phản ánh hiện trường của quý \
            Ông/Bà, nguyên nhân do chưa xác định được một số thông tin liên quan từ nội dung Phản ánh hiện trường.

            Để cơ quan giải quyết có thêm thông tin về Phản ánh hiện trường phục vụ việc xử lý, đề nghị quý Ông/Bà \
            cung cấp thêm thông tin sự việc và gửi lại Phản ánh hiện trường, các thông tin cần bổ sung như sau:

            \(items)

            Hoặc xem lại hướng dẫn sử dụng tại mục “Hướng dẫn sử dụng” trên App
            Trân trọng cảm ơn./.

            """
    }

    /// The missing items of the last `transition:needs_information` event, one per line of its detail.
    public static func missingItems(in events: [Event]) -> [String] {
        let action = EventVocabulary.transition(to: .needsInformation)
        let last = events.enumerated().filter { $0.element.action == action }
            .max { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }?.element
        return last?.detail.split(separator: "\n").map(String.init) ?? []
    }
}
