import Foundation
import OnSiteCore

/// What every page of one request shares: its language, the instant deadlines are judged at, and how links keep
/// the reader's choices (`asOf`, `step`) from page to page.
struct WebView: Sendable {
    let text: WebText
    /// The instant the state is read at: now, or the `asOf` the reader asked for.
    let asOf: Date
    /// The `asOf` of the query, kept on links; nil when reading now.
    let requestedAsOf: String?
    let step: DeadlineStep
    /// Whether the reader is signed in (shows the sign-out button).
    let signedIn: Bool
    /// The path of this page (the language switch links back to it).
    let path: String

    /// `path` with the reader's `asOf` and `step` (when not the default) as its query.
    func link(_ path: String, _ extra: [(String, String)] = []) -> String {
        var query = extra
        if let requestedAsOf { query.append(("asOf", requestedAsOf)) }
        if step != .handling { query.append(("step", step.rawValue)) }
        guard !query.isEmpty else { return path }
        return path + "?" + query.map { "\($0.0)=\(FormEncoding.escape($0.1))" }.joined(separator: "&")
    }

    /// A whole page: header with the language switch and sign-out, then `body`.
    func page(title: String, _ body: HTML) -> String {
        let signOut: HTML = signedIn
            ? "<form method=\"post\" action=\"/web/signout\" class=\"signout\"><button type=\"submit\">\(text.signOut)</button></form>"
            : ""
        let html: HTML = """
            <!DOCTYPE html>
            <html lang="\(text.htmlLanguage)"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer">
            <title>\(title) · OnSite</title><link rel="stylesheet" href="/web/style.css"></head>
            <body><header><a class="brand" href="\(link("/web"))">\(text.appName)</a>
            <nav><a class="lang" href="\(link(path, [("lang", text.otherLanguageCode)]))">\(text.otherLanguageName)</a>\(signOut)</nav></header>
            <main>\(body)</main></body></html>
            """
        return html.description
    }
}

/// `application/x-www-form-urlencoded`, both ways.
enum FormEncoding {
    /// The fields of a form body or query string; later duplicates win. Invalid percent escapes leave the text as is.
    static func fields(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = parts.first else { continue }
            fields[decode(name)] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }

    static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// Percent-escapes everything but unreserved characters.
    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}
