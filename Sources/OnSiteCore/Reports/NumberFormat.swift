/// Number formatting for reports, without locale data: Vietnamese uses a decimal comma and dots for thousands
/// (`1.234`, `96,6%`), English the reverse (`1,234`, `96.6%`).
public enum ReportLanguage: String, Sendable, Hashable, Codable, CaseIterable {
    /// Tiếng Việt, the default.
    case vietnamese = "vi"
    /// English.
    case english = "en"

    /// An integer with thousands separators: `1.234.567` (vi), `1,234,567` (en).
    public func integer(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, digit) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(thousandsSeparator) }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// A fraction as a percentage with at most one decimal, rounded half up: `96,6%`, `100%`, `0%` (vi).
    public func percent(_ fraction: Double) -> String {
        let tenths = Int((fraction * 1000).rounded(.toNearestOrAwayFromZero))
        let whole = integer(tenths / 10)
        let decimal = abs(tenths % 10)
        return decimal == 0 ? "\(whole)%" : "\(whole)\(decimalSeparator)\(decimal)%"
    }

    private var thousandsSeparator: Character { self == .vietnamese ? "." : "," }
    private var decimalSeparator: Character { self == .vietnamese ? "," : "." }
}
