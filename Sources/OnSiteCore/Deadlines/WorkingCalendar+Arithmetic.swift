import Foundation

extension WorkingCalendar {
    /// How far ahead `adding` looks for office time before giving up (a calendar with no working day).
    private static let horizonDays = 36_600

    /// The instant after `seconds` of office time have passed from `instant`.
    ///
    /// Time outside office sessions does not count: 2 working hours from Friday 16:00 (office until 17:00) end on
    /// Monday 08:30 when Monday opens at 07:30. When the time runs out exactly at the end of a session, the result is
    /// that end (11:30), not the start of the next one. Zero or negative seconds give `instant` itself.
    /// - Returns: the instant, or `Date.distantFuture` when the calendar has no office time at all.
    public func adding(workingSeconds seconds: TimeInterval, to instant: Date) -> Date {
        guard seconds > 0 else { return instant }
        let local = localSecondsExact(instant)
        let offset = local - instant.timeIntervalSince1970
        let firstDay = Self.floorDiv(Int(local.rounded(.down)), 86_400)
        let secondOfDay = local - Double(firstDay * 86_400)
        var remaining = seconds
        for day in firstDay..<(firstDay + Self.horizonDays) {
            for interval in intervals(on: LocalDate(dayNumber: day)) {
                let start = Double(interval.start.minutes * 60), end = Double(interval.end.minutes * 60)
                let from = day == firstDay ? max(start, secondOfDay) : start
                guard from < end else { continue }
                if remaining <= end - from {
                    return Date(timeIntervalSince1970: Double(day * 86_400) + from + remaining - offset)
                }
                remaining -= end - from
            }
        }
        return .distantFuture
    }

    /// The instant after `duration` from `instant`; `.immediate` gives `instant`, `.elapsedHours` counts clock time.
    public func adding(_ duration: WorkingDuration, to instant: Date) -> Date {
        if duration.isElapsedTime { return instant.addingTimeInterval(duration.seconds(hoursPerWorkingDay: hoursPerWorkingDay)) }
        return adding(workingSeconds: duration.seconds(hoursPerWorkingDay: hoursPerWorkingDay), to: instant)
    }

    /// The office time between two instants, in seconds; 0 when `end` is not after `start`.
    public func workingTime(from start: Date, to end: Date) -> TimeInterval {
        guard end > start else { return 0 }
        let a = localSecondsExact(start), b = localSecondsExact(end)
        let firstDay = Self.floorDiv(Int(a.rounded(.down)), 86_400)
        let lastDay = Self.floorDiv(Int(b.rounded(.down)), 86_400)
        var total: TimeInterval = 0
        for day in firstDay...lastDay {
            let base = Double(day * 86_400)
            for interval in intervals(on: LocalDate(dayNumber: day)) {
                let from = max(base + Double(interval.start.minutes * 60), a)
                let to = min(base + Double(interval.end.minutes * 60), b)
                if to > from { total += to - from }
            }
        }
        return total
    }

    /// The office time between two instants, in the calendar's working hours.
    public func workingHours(from start: Date, to end: Date) -> Double {
        workingTime(from: start, to: end) / 3600
    }
}
