import Foundation

/// The result notice shown to the citizen (Thái Nguyên regulation, appendix II, "Mẫu hiển thị kết quả xử lý").
///
/// ```swift
/// let text = ResultNotice(report: report, unitName: "UBND Thành phố Điện Biên Phủ",
///                         summary: "Đã thu gom rác thải…").text
/// ```
/// The reporter's name appears only when the report is not confidential; otherwise the notice says "Ông/bà".
public struct ResultNotice: Sendable, Hashable {
    /// Cơ quan xử lý: the processing unit's name.
    public var unitName: String
    /// How the reporter is addressed, e.g. "Ông/bà Nguyễn Văn An" or "Ông/bà".
    public var addressee: String
    /// Tóm tắt nội dung trả lời kết quả xử lý.
    public var summary: String

    /// A notice from its parts, normalised to NFC.
    public init(unitName: String, addressee: String, summary: String) {
        self.unitName = VietnameseText.cleaned(unitName)
        self.addressee = VietnameseText.cleaned(addressee)
        self.summary = VietnameseText.cleaned(summary)
    }

    /// The notice of `report` with the unit's name and the approved summary.
    public init(report: Report, unitName: String, summary: String) {
        self.init(unitName: unitName, addressee: Self.addressee(of: report.reporter), summary: summary)
    }

    /// The text, following the template line by line.
    public var text: String {
        """
        \(unitName)

        Kính chào: \(addressee)

        Sau khi nhận được phản ánh của \(addressee), \(unitName) đã tiến hành kiểm tra, xử lý và thông báo kết quả \
        như sau:

        \(summary)

        Chúng tôi chân thành cảm ơn \(addressee) đã kịp thời phản ánh và mong tiếp tục nhận được phản ánh trong \
        thời gian tới.

        Trân trọng.

        """
    }

    /// The summary to publish, from the history: the leader's edit if any, else the last submitted result.
    public static func approvedSummary(in events: [Event]) -> String? {
        let approved = EventVocabulary.transition(to: .approved)
        let submitted = EventVocabulary.transition(to: .resultSubmitted)
        let ordered = events.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
        guard let approval = ordered.lastIndex(where: { $0.action == approved }) else { return nil }
        if !ordered[approval].detail.isEmpty { return ordered[approval].detail }
        return ordered[..<approval].last { $0.action == submitted }?.detail
    }

    /// "Ông/bà <name>" when the reporter gave a name and did not ask for confidentiality, else "Ông/bà".
    public static func addressee(of reporter: Reporter) -> String {
        let name = VietnameseText.cleaned(reporter.name ?? "")
        return reporter.isConfidential || name.isEmpty ? "Ông/bà" : "Ông/bà \(name)"
    }
}
