/// A piece of HTML that is safe to send: text goes in only through ``text(_:)`` (escaped) or string
/// interpolation of plain values (escaped too); markup only through ``raw(_:)`` with literals of this module.
///
/// ```swift
/// let row: HTML = "<td>\(report.title)</td>"   // the title is escaped: `<script>` prints as text
/// ```
struct HTML: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    private(set) var markup: String

    init(stringLiteral value: StaticString) {
        markup = value.description
    }

    init(stringInterpolation: Interpolation) {
        markup = stringInterpolation.markup
    }

    private init(trusted markup: String) {
        self.markup = markup
    }

    /// Markup written in this module (tags, attributes), never data.
    static func raw(_ markup: StaticString) -> HTML { HTML(trusted: markup.description) }

    /// Text, escaped for an element's content or a quoted attribute value.
    static func text(_ text: String) -> HTML { HTML(trusted: escape(text)) }

    /// Several pieces one after another.
    static func joined(_ parts: some Sequence<HTML>) -> HTML {
        HTML(trusted: parts.map(\.markup).joined())
    }

    var description: String { markup }

    /// `& < > " '` as entities: safe inside element content and inside single- or double-quoted attributes.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    struct Interpolation: StringInterpolationProtocol {
        var markup = ""

        init(literalCapacity: Int, interpolationCount: Int) {
            markup.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        mutating func appendLiteral(_ literal: StaticString) { markup += literal.description }
        mutating func appendInterpolation(_ html: HTML) { markup += html.markup }
        mutating func appendInterpolation(_ html: [HTML]) { markup += html.map(\.markup).joined() }
        mutating func appendInterpolation(_ text: String) { markup += HTML.escape(text) }
        mutating func appendInterpolation(_ value: Int) { markup += String(value) }
    }
}
