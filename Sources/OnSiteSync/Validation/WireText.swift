import Foundation
import OnSiteCore

/// The checks every text and identifier on the wire passes, with costs bounded by the input's length.
///
/// Free text is measured in UTF-8 bytes before anything else (four per scalar at most), its runs of combining
/// marks are bounded, and only then is it normalised to NFC and counted in Unicode scalars. Grapheme clusters
/// are never counted: one cluster can hold any number of scalars. Identifiers are ASCII.
enum WireText {
    /// What is wrong with a text, as a sentence fragment after its name.
    enum Problem: Error {
        case empty
        case tooLong(count: Int, limit: Int)
        case combiningRun(length: Int, at: Int, limit: Int)
        case notIdentifier(limit: Int)
    }

    /// The text in NFC, or why it is refused: over `limit` scalars (counted before and after normalising, so
    /// the work is bounded), a run of more than `maxCombiningMarks` combining marks, or blank when required.
    static func normalized(_ value: String, limit: Int, maxCombiningMarks: Int, required: Bool) throws(Problem) -> String {
        // NFC never needs more than 3 scalars for one, and a scalar is at most 4 bytes: cheap bounds first.
        let bytes = value.utf8.count
        let (byteLimit, overflow) = limit.multipliedReportingOverflow(by: 12)
        guard overflow || bytes <= byteLimit else { throw .tooLong(count: value.unicodeScalars.count, limit: limit) }
        var run = 0
        var position = 0
        for scalar in value.unicodeScalars {
            if scalar.properties.canonicalCombiningClass != .notReordered {
                run += 1
                if run > maxCombiningMarks { throw .combiningRun(length: run, at: position, limit: maxCombiningMarks) }
            } else {
                run = 0
            }
            position += 1
        }
        let normalized = VietnameseText.normalized(value)
        let scalars = normalized.unicodeScalars.count
        guard scalars <= limit else { throw .tooLong(count: scalars, limit: limit) }
        if required, normalized.unicodeScalars.allSatisfy(\.properties.isWhitespace) { throw .empty }
        return normalized
    }

    /// Whether `value` is an identifier: 1 to `limit` ASCII letters, digits, `-`, `_`, `.`, `:` or `@`.
    ///
    /// Separators the relay uses in its own records (`|`, `,`), white space, quotes, slashes and every
    /// non-ASCII character are refused, so a code has one spelling and cannot split a stored list.
    static func isIdentifier(_ value: String, limit: Int) -> Bool {
        let utf8 = value.utf8
        guard !utf8.isEmpty, utf8.count <= limit else { return false }
        return utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "@"):
                true
            default:
                false
            }
        }
    }
}

extension WireText.Problem {
    /// The sentence for the field `name`.
    func message(for name: String) -> String {
        switch self {
        case .empty:
            "`\(name)` cannot be empty."
        case .tooLong(let count, let limit):
            "`\(name)` has \(count) characters (Unicode scalars); the limit is \(limit). Shorten it."
        case .combiningRun(let length, let at, let limit):
            "`\(name)` has a run of \(length) or more combining marks from character \(at - length + 1); at most \(limit) may follow one letter (Vietnamese needs 2). Retype the text."
        case .notIdentifier(let limit):
            "`\(name)` must be 1 to \(limit) ASCII letters, digits, `-`, `_`, `.`, `:` or `@` (no spaces, `|` or `,`)."
        }
    }
}
