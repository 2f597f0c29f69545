import Foundation

/// Instants and working-time lengths as people in the province read them: local time of the province's zone,
/// day first (`19/04/2024 10:00`), and lateness in working days, hours and minutes.
public struct LocalTimeFormat: Sendable {
    /// The zone instants are shown in, e.g. Asia/Ho_Chi_Minh.
    public var timeZone: TimeZone
    public var language: ReportLanguage

    public init(timeZone: TimeZone, language: ReportLanguage = .vietnamese) {
        self.timeZone = timeZone
        self.language = language
    }

    /// `19/04/2024 10:00` (both languages: the day-first order of Vietnamese documents).
    public func dateTime(_ instant: Date) -> String {
        let local = Int((instant.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: instant))).rounded(.down))
        let day = WorkingCalendar.floorDiv(local, 86_400)
        let date = LocalDate(dayNumber: day)
        let minutes = (local - day * 86_400) / 60
        return String(format: "%02d/%02d/%04d %02d:%02d", date.day, date.month, date.year, minutes / 60, minutes % 60)
    }

    /// `19/04/2024 10:00 (GMT+7)`: the date and time with the zone's offset, for views that mix zones.
    public func dateTimeWithZone(_ instant: Date) -> String {
        let seconds = timeZone.secondsFromGMT(for: instant)
        let sign = seconds < 0 ? "-" : "+"
        let hours = abs(seconds) / 3600, minutes = abs(seconds) % 3600 / 60
        return "\(dateTime(instant)) (GMT\(sign)\(hours)\(minutes == 0 ? "" : String(format: ":%02d", minutes)))"
    }

    /// A length of office time: `1 ngày 2 giờ 30 phút làm việc` / `1 working day 2 h 30 min`; under a minute
    /// `dưới 1 phút` / `under a minute`.
    public func workingTime(_ seconds: Double, hoursPerWorkingDay: Double) -> String {
        let totalMinutes = Int((seconds / 60).rounded(.down))
        guard totalMinutes > 0 else { return language == .vietnamese ? "dưới 1 phút làm việc" : "under a working minute" }
        let minutesPerDay = max(1, Int((hoursPerWorkingDay * 60).rounded()))
        let days = totalMinutes / minutesPerDay, hours = totalMinutes % minutesPerDay / 60, minutes = totalMinutes % 60
        var parts: [String] = []
        switch language {
        case .vietnamese:
            if days > 0 { parts.append("\(days) ngày") }
            if hours > 0 { parts.append("\(hours) giờ") }
            if minutes > 0 { parts.append("\(minutes) phút") }
            return parts.joined(separator: " ") + " làm việc"
        case .english:
            if days > 0 { parts.append("\(days) working day\(days == 1 ? "" : "s")") }
            if hours > 0 { parts.append("\(hours) h") }
            if minutes > 0 { parts.append("\(minutes) min") }
            return parts.joined(separator: " ") + (days == 0 ? " of working time" : "")
        }
    }
}
