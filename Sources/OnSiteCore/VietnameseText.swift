import Foundation

/// Text helpers for Vietnamese input: normalisation at entry points and diacritic-insensitive search.
public enum VietnameseText {
    /// The text in Unicode NFC, the one form stored and compared everywhere.
    public static func normalized(_ text: String) -> String {
        text.precomposedStringWithCanonicalMapping
    }

    /// The text in NFC without leading or trailing white space: what every entry point stores.
    public static func cleaned(_ text: String) -> String {
        normalized(text).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A stable ASCII code for a name: folded, with runs of other characters as one hyphen.
    ///
    /// `slug("Đất đai, xây dựng") == "dat-dai-xay-dung"`.
    public static func slug(_ text: String) -> String {
        var out = ""
        var pendingHyphen = false
        for scalar in fold(text).unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                if pendingHyphen, !out.isEmpty { out.append("-") }
                pendingHyphen = false
                out.unicodeScalars.append(scalar)
            } else {
                pendingHyphen = true
            }
        }
        return out
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
