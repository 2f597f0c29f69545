import Foundation

extension OverdueList {
    /// The list as aligned text, one report a line, then the footnotes; times in `timeZone`.
    ///
    /// ```
    /// Mã PAHT        | Cơ quan xử lý           | Người đang giữ          | Hạn              | Trễ
    /// DB-2024-00012  | Thành phố Điện Biên Phủ | tp-dien-bien-phu/can-bo | 12/04/2024 09:00 | 4 ngày 1 giờ làm việc
    /// ```
    public func rendered(language: ReportLanguage = .vietnamese, timeZone: TimeZone) -> String {
        let format = LocalTimeFormat(timeZone: timeZone, language: language)
        let vi = language == .vietnamese
        let header = vi
            ? ["Mã PAHT", "Cơ quan xử lý", "Người đang giữ", "Hạn", "Trễ", "Tình trạng"]
            : ["Code", "Unit", "Held by", "Due", "Late by", "State"]
        let body = entries.map { entry -> [String] in
            [
                entry.code + (entry.isUrgent ? (vi ? " (khẩn)" : " (urgent)") : ""),
                entry.unitName ?? entry.districtName,
                entry.holder ?? (vi ? "chưa tiếp nhận" : "not yet taken"),
                format.dateTime(entry.due),
                format.workingTime(entry.lateWorkingSeconds, hoursPerWorkingDay: hoursPerWorkingDay),
                entry.completedAt.map { (vi ? "xong trễ " : "done late ") + format.dateTime($0) }
                    ?? (vi ? "đang quá hạn" : "open, overdue"),
            ]
        }
        var lines: [String] = []
        let title = vi
            ? "PAHT quá hạn bước \(step.label.lowercased()) tại \(format.dateTimeWithZone(asOf)): \(language.integer(entries.count))"
            : "Reports overdue in the \(step.englishLabel.lowercased()) step at \(format.dateTimeWithZone(asOf)): \(language.integer(entries.count))"
        lines.append(title)
        if !entries.isEmpty {
            let widths = header.indices.map { column in ([header] + body).map { $0[column].count }.max() ?? 0 }
            func line(_ cells: [String]) -> String {
                cells.enumerated().map { column, cell in cell + String(repeating: " ", count: widths[column] - cell.count) }
                    .joined(separator: " | ")
                    .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
            }
            lines.append(line(header))
            lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-"))
            lines += body.map(line)
        }
        if !footnotes.isEmpty {
            lines += ["", vi ? "Ghi chú:" : "Notes:"] + footnotes.map { "- " + $0.text(step: step, language: language) }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
