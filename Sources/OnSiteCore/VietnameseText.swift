import Foundation

/// Text helpers for Vietnamese input: normalisation at entry points and diacritic-insensitive search.
public enum VietnameseText {
    /// The text in Unicode NFC, the one form stored and compared everywhere.
    public static func normalized(_ text: String) -> String {
        text.precomposedStringWithCanonicalMapping
    }

    /// The text folded for search: lower case, without diacritics, with đ/Đ as d.
    ///
    /// `fold("Điện Biên Phủ") == "dien bien phu"`.
    public static func fold(_ text: String) -> String {
        let decomposed = text.decomposedStringWithCanonicalMapping
        var scalars = String.UnicodeScalarView()
        for scalar in decomposed.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark:
                continue
            default:
                switch scalar {
                case "đ", "Đ": scalars.append("d")
                default: scalars.append(scalar)
                }
            }
        }
        return String(scalars).lowercased()
    }

    /// Whether `text` contains every word of `query`, ignoring case and diacritics.
    public static func matches(_ text: String, query: String) -> Bool {
        let haystack = fold(text)
        return fold(query).split(whereSeparator: \.isWhitespace).allSatisfy { haystack.contains($0) }
    }
}
