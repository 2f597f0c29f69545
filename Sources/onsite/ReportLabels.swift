import Foundation
import OnSiteClient
import OnSiteCore

/// The words of `onsite show` and `onsite list`, in Vietnamese (default) or English, and how they print
/// instants: in the province's time zone, day first.
struct ReportLabels {
    let language: ReportLanguage
    let time: LocalTimeFormat

    init(language: ReportLanguage, timeZone: TimeZone = OverdueRequest.provinceTimeZone) {
        self.language = language
        self.time = LocalTimeFormat(timeZone: timeZone, language: language)
    }

    var vi: Bool { language == .vietnamese }

    func status(_ status: ReportStatus) -> String {
        vi ? status.label : status.rawValue.replacingOccurrences(of: "_", with: " ")
    }

    func step(_ step: DeadlineStep) -> String { vi ? step.label : step.englishLabel }

    func finding(_ finding: Finding) -> String {
        vi ? finding.label : finding.rawValue.replacingOccurrences(of: "_", with: " ")
    }

    /// A field name, padded so the values line up.
    func field(_ vietnamese: String, _ english: String) -> String {
        let name = (vi ? vietnamese : english) + ":"
        return name.padding(toLength: 17, withPad: " ", startingAt: 0)
    }

    /// The due date and its state: `25/04/2024 09:00 (GMT+7), Xử lý — QUÁ HẠN 2 giờ làm việc`.
    func deadline(_ deadline: Deadline, asOf: Date, calendar: WorkingCalendar) -> String {
        let due = deadline.due(at: asOf)
        let state: String
        if let done = deadline.completedAt, done <= asOf {
            state = vi ? "đã xong \(time.dateTime(done))" : "done \(time.dateTime(done))"
        } else if deadline.isOverdue(at: asOf) {
            let late = time.workingTime(calendar.workingTime(from: due, to: asOf), hoursPerWorkingDay: calendar.hoursPerWorkingDay)
            state = vi ? "QUÁ HẠN \(late)" : "OVERDUE by \(late)"
        } else {
            let left = time.workingTime(calendar.workingTime(from: asOf, to: due), hoursPerWorkingDay: calendar.hoursPerWorkingDay)
            state = vi ? "trong hạn, còn \(left)" : "on time, \(left) left"
        }
        let extended = deadline.extensions.contains { $0.postedAt <= asOf } ? (vi ? ", đã gia hạn" : ", extended") : ""
        return "\(time.dateTimeWithZone(due)) (\(step(deadline.step)), \(deadline.limit.label(language))\(extended)) — \(state)"
    }

    /// One history event: its time, its actor and what happened in words.
    func event(_ event: Event, units: UnitDirectory?) -> String {
        let what: String
        if let status = EventVocabulary.status(of: event) {
            let detail = status == .forwarded ? (units?.name(of: event.detail) ?? event.detail) : event.detail
            what = "→ \(self.status(status))" + (detail.isEmpty ? "" : ": \(detail)")
        } else if event.action == EventVocabulary.extensionNotice, let date = EventVocabulary.extensionDate(of: event) {
            let reason = event.detail.split(separator: " ", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
            what = (vi ? "Gia hạn đến " : "Extended to ") + time.dateTime(date) + (reason.isEmpty ? "" : ": \(reason)")
        } else if event.action == EventVocabulary.hidden {
            what = (vi ? "Ẩn: " : "Hidden: ") + event.detail
        } else if event.action == EventVocabulary.unhidden {
            what = (vi ? "Hiện lại: " : "Shown again: ") + event.detail
        } else {
            what = "\(event.action)" + (event.detail.isEmpty ? "" : ": \(event.detail)")
        }
        return "\(time.dateTime(event.at))  \(event.actor)  \(what)"
    }
}

extension WorkingDuration {
    func label(_ language: ReportLanguage) -> String { language == .vietnamese ? vietnamese : description }
}
