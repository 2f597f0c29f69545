import Foundation

/// One overdue report of `onsite report overdue --list`: where it is, who holds it, how late.
public struct OverdueEntry: Sendable, Hashable, Codable {
    public var reportId: String
    public var code: String
    public var title: String
    public var isUrgent: Bool
    public var status: ReportStatus
    public var district: String
    public var districtName: String
    /// The processing unit it was forwarded to, when known.
    public var unit: String?
    public var unitName: String?
    /// The actor of the latest step taken on it in the step (the officer or leader holding it); `nil` when the unit
    /// has not acted on it yet.
    public var holder: String?
    public var step: DeadlineStep
    /// The due date in force.
    public var due: Date
    /// When the step was completed late; `nil` while still open.
    public var completedAt: Date?
    /// How late, in seconds of office time: from the due date to completion or to the list's instant.
    public var lateWorkingSeconds: Double

    public init(
        reportId: String, code: String, title: String, isUrgent: Bool, status: ReportStatus, district: String,
        districtName: String, unit: String?, unitName: String?, holder: String?, step: DeadlineStep, due: Date,
        completedAt: Date?, lateWorkingSeconds: Double
    ) {
        self.reportId = reportId
        self.code = code
        self.title = title
        self.isUrgent = isUrgent
        self.status = status
        self.district = district
        self.districtName = districtName
        self.unit = unit
        self.unitName = unitName
        self.holder = holder
        self.step = step
        self.due = due
        self.completedAt = completedAt
        self.lateWorkingSeconds = lateWorkingSeconds
    }

    private enum CodingKeys: String, CodingKey {
        case code, title, status, district, unit, holder, step, due
        case reportId = "report_id"
        case isUrgent = "is_urgent"
        case districtName = "district_name"
        case unitName = "unit_name"
        case completedAt = "completed_at"
        case lateWorkingSeconds = "late_working_seconds"
    }
}

/// The overdue reports of one step at an instant, with the table's footnotes.
public struct OverdueList: Sendable, Hashable, Codable {
    public var step: DeadlineStep
    public var asOf: Date
    /// The length of a working day in the province's calendar, to say lateness in days.
    public var hoursPerWorkingDay: Double
    /// The latest first.
    public var entries: [OverdueEntry]
    public var footnotes: [OverdueFootnote]

    public init(step: DeadlineStep, asOf: Date, hoursPerWorkingDay: Double, entries: [OverdueEntry], footnotes: [OverdueFootnote]) {
        self.step = step
        self.asOf = asOf
        self.hoursPerWorkingDay = hoursPerWorkingDay
        self.entries = entries
        self.footnotes = footnotes
    }

    private enum CodingKeys: String, CodingKey {
        case step, entries, footnotes
        case asOf = "as_of"
        case hoursPerWorkingDay = "hours_per_working_day"
    }
}
