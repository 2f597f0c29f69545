import Foundation

/// The output formats of the overdue table.
public enum OverdueTableFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// Aligned columns for people, numbers in the language's format.
    case text
    /// Comma-separated values for spreadsheets: plain numbers, rates in percent with a dot.
    case csv
    /// The `OverdueTable` JSON (snake_case keys, ISO 8601 dates).
    case json
}

extension OverdueTable {
    /// The column headers, in the memo's words for Vietnamese (its table is the handling step's).
    public func headers(language: ReportLanguage = .vietnamese) -> [String] {
        switch language {
        case .vietnamese:
            let unit = switch grouping {
                case .district: "Cấp huyện"
                case .commune: "Cấp xã"
                case .category: "Lĩnh vực"
                }
            let verb = switch step {
                case .reception: "tiếp nhận"
                case .forwarding: "chuyển xử lý"
                case .handling: "giải quyết"
                case .approval: "phê duyệt"
                case .publication: "công khai"
                }
            return ["Stt", unit, "Tổng PAHT", "Đã \(verb)", "Quá hạn \(verb)", "Tỷ lệ PAHT quá hạn \(verb)"]
        case .english:
            let unit = switch grouping {
                case .district: "District"
                case .commune: "Commune"
                case .category: "Category"
                }
            let done = switch step {
                case .reception: "Received"
                case .forwarding: "Forwarded"
                case .handling: "Resolved"
                case .approval: "Approved"
                case .publication: "Published"
                }
            return ["No.", unit, "Total", done, "Overdue", "Overdue rate"]
        }
    }

    /// The footnotes as sentences, in order.
    public func footnoteLines(language: ReportLanguage = .vietnamese) -> [String] {
        footnotes.map { $0.text(step: step, language: language) }
    }

    /// The label of the totals row.
    public func totalsLabel(language: ReportLanguage = .vietnamese) -> String {
        language == .vietnamese ? "Tổng cộng" : "Total"
    }

    /// The table as text, CSV or JSON.
    ///
    /// ```
    /// Stt | Cấp huyện               | Tổng PAHT | … | Tỷ lệ PAHT quá hạn giải quyết
    /// ----+-------------------------+-----------+---+------------------------------
    ///   1 | Thành phố Điện Biên Phủ |        58 | … |                         96,6%
    /// ```
    public func rendered(as format: OverdueTableFormat = .text, language: ReportLanguage = .vietnamese) -> String {
        switch format {
        case .text: text(language)
        case .csv: csv(language)
        case .json: json()
        }
    }

    private func cells(_ row: OverdueRow, _ language: ReportLanguage) -> [String] {
        [
            row.index.map(String.init) ?? "", row.index == nil ? totalsLabel(language: language) : row.name,
            language.integer(row.total), language.integer(row.resolved), language.integer(row.overdue),
            language.percent(row.overdueRate),
        ]
    }

    private func text(_ language: ReportLanguage) -> String {
        let header = headers(language: language)
        let body = rows.map { cells($0, language) } + [cells(totals, language)]
        let widths = header.indices.map { column in
            ([header] + body).map { $0[column].count }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 1 ? cell + pad : pad + cell
            }.joined(separator: " | ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-")
        let headerLine = header.enumerated().map { column, cell in
            cell + String(repeating: " ", count: widths[column] - cell.count)
        }.joined(separator: " | ")
        let lines = [headerLine, rule] + body.dropLast().map(line) + [rule, line(body.last ?? [])]
        let notes = footnoteLines(language: language)
        let noteLines = notes.isEmpty ? [] : ["", language == .vietnamese ? "Ghi chú:" : "Notes:"] + notes.map { "- " + $0 }
        return (lines + noteLines).map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
            .joined(separator: "\n") + "\n"
    }

    private func csv(_ language: ReportLanguage) -> String {
        func field(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        func record(_ row: OverdueRow) -> String {
            let percent = (row.overdueRate * 1000).rounded(.toNearestOrAwayFromZero) / 10
            return [
                row.index.map(String.init) ?? "", row.index == nil ? totalsLabel(language: language) : row.name,
                String(row.total), String(row.resolved), String(row.overdue), String(format: "%.1f", percent),
            ].map(field).joined(separator: ",")
        }
        let notes = footnoteLines(language: language).map { ["", $0, "", "", "", ""].map(field).joined(separator: ",") }
        let lines = [headers(language: language).map(field).joined(separator: ",")] + rows.map(record) + [record(totals)] + notes
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    private func json() -> String {
        let encoder = SampleData.makeEncoder()
        // Encoding plain strings, integers, finite doubles and dates cannot fail.
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
