import Foundation

/// The working time of a province: weekly office hours (possibly seasonal), holidays, swapped days, time zone.
///
/// Deadlines count working time only. A working day is `hoursPerWorkingDay` working hours (8 for civil servants),
/// so ½ working day is 4 working hours counted through the office sessions.
///
/// ```swift
/// let due = calendar.adding(.workingDays(1), to: receivedAt)
/// let spent = calendar.workingTime(from: receivedAt, to: now)   // seconds of office time
/// ```
public struct WorkingCalendar: Sendable {
    /// The zone local dates and office hours are read in, e.g. Asia/Ho_Chi_Minh.
    public let timeZone: TimeZone
    /// ISO weekdays that are working days: 1 = Monday … 7 = Sunday.
    public let workingWeekdays: Set<Int>
    /// Office hours; the first schedule that applies to a date wins.
    public let schedules: [SeasonalSchedule]
    /// The length of a working day in hours, for durations given in days.
    public let hoursPerWorkingDay: Double
    /// Holidays, compensatory days off and swapped working days.
    public let holidays: HolidayTable
    private let daysOff: Set<LocalDate>
    private let extraWorkingDays: Set<LocalDate>

    /// A calendar from its parts. `PolicyFile` checks data files before building one.
    public init(
        timeZone: TimeZone, workingWeekdays: Set<Int> = [1, 2, 3, 4, 5], schedules: [SeasonalSchedule],
        hoursPerWorkingDay: Double = 8, holidays: HolidayTable
    ) {
        self.timeZone = timeZone
        self.workingWeekdays = workingWeekdays
        self.schedules = schedules
        self.hoursPerWorkingDay = hoursPerWorkingDay
        self.holidays = holidays
        (daysOff, extraWorkingDays) = holidays.index()
    }

    /// Whether `date` is a working day: a working weekday that is not a day off, or a swapped working day.
    public func isWorkingDay(_ date: LocalDate) -> Bool {
        if extraWorkingDays.contains(date) { return true }
        return workingWeekdays.contains(date.weekday) && !daysOff.contains(date)
    }

    /// The office sessions on `date`; empty on days off.
    public func intervals(on date: LocalDate) -> [OfficeInterval] {
        guard isWorkingDay(date) else { return [] }
        return schedules.first { $0.applies(to: date) }?.intervals ?? []
    }

    /// The years between two instants (local dates, both included) that the holiday table has no data for:
    /// deadlines counted through them know only the weekly rule, and may be wrong by the holidays of those years.
    ///
    /// `Date.distantFuture` (a calendar without office time) is not a year to warn about.
    public func yearsWithoutHolidayData(from start: Date, to end: Date) -> [Int] {
        guard end < Date.distantFuture, start < Date.distantFuture else { return [] }
        let first = localDate(of: min(start, end)).year, last = localDate(of: max(start, end)).year
        return (first...last).filter { !holidays.covers($0) }
    }

    /// The local date of an instant in the calendar's zone.
    public func localDate(of instant: Date) -> LocalDate {
        LocalDate(dayNumber: Self.floorDiv(localSeconds(instant), 86_400))
    }

    /// Whether the instant falls inside an office session, ends included.
    public func isWithinOfficeHours(_ instant: Date) -> Bool {
        let local = localSecondsExact(instant)
        let day = Self.floorDiv(Int(local.rounded(.down)), 86_400)
        let second = local - Double(day * 86_400)
        return intervals(on: LocalDate(dayNumber: day)).contains {
            Double($0.start.minutes * 60) <= second && second <= Double($0.end.minutes * 60)
        }
    }

    /// The instant of `time` on `date` in the calendar's zone.
    public func instant(_ date: LocalDate, _ time: TimeOfDay) -> Date {
        let local = Double(date.dayNumber * 86_400 + time.minutes * 60)
        let offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: local))
        return Date(timeIntervalSince1970: local - Double(offset))
    }

    func localSecondsExact(_ instant: Date) -> Double {
        instant.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: instant))
    }

    private func localSeconds(_ instant: Date) -> Int { Int(localSecondsExact(instant).rounded(.down)) }

    static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
}
