import Foundation

/// Decoding and checking of the policy files (`Samples/policies/*.json`) and holiday tables
/// (`Samples/calendars/*.json`). Pure given `Data`; `load` reads files for convenience.
///
/// ```swift
/// let rules = try PolicyFile.load(policy: samples.appending(path: "policies/dien-bien.json"),
///                                 calendars: samples.appending(path: "calendars"))
/// ```
public enum PolicyFile {
    /// Decodes and checks a holiday table.
    /// - Throws: `DataFileError` naming the file and the key at fault.
    public static func decodeHolidays(_ data: Data, fileName: String) throws(DataFileError) -> HolidayTable {
        let table: HolidayTable
        do {
            table = try JSONDecoder().decode(HolidayTable.self, from: data)
        } catch let error as DecodingError {
            throw .decoding(error, file: fileName)
        } catch {
            throw .invalid(file: fileName, keyPath: "", problem: "\(error)")
        }
        var seen = Set<LocalDate>()
        for (y, year) in table.years.enumerated() {
            for (i, day) in year.daysOff.enumerated() {
                let key = "years[\(y)].days_off[\(i)]"
                guard day.date.year == year.year else {
                    throw .invalid(file: fileName, keyPath: key, problem: "\(day.date) is not in \(year.year).")
                }
                guard seen.insert(day.date).inserted else {
                    throw .invalid(file: fileName, keyPath: key, problem: "\(day.date) is listed twice.")
                }
            }
            for (i, day) in year.workingDays.enumerated() where day.date.year != year.year || day.date.weekday < 6 {
                throw .invalid(
                    file: fileName, keyPath: "years[\(y)].working_days[\(i)]",
                    problem: "\(day.date) must be a Saturday or Sunday of \(year.year) (a day worked in exchange).")
            }
        }
        return table
    }

    /// Decodes and checks a province policy file; its `calendar.holidays` names a table `holidays` returns.
    /// - Throws: `DataFileError` naming the file and the key at fault.
    public static func decodeProvince(
        _ data: Data, fileName: String, holidays: (String) -> HolidayTable?
    ) throws(DataFileError) -> ProvinceRules {
        let policy: DeadlinePolicy, settings: CalendarSettings
        do {
            policy = try JSONDecoder().decode(DeadlinePolicy.self, from: data)
            settings = try JSONDecoder().decode(Envelope.self, from: data).calendar
        } catch let error as DecodingError {
            throw .decoding(error, file: fileName)
        } catch {
            throw .invalid(file: fileName, keyPath: "", problem: "\(error)")
        }
        guard let zone = TimeZone(identifier: settings.timeZone) else {
            throw .invalid(
                file: fileName, keyPath: "calendar.time_zone",
                problem: "unknown time zone \"\(settings.timeZone)\"; use an IANA name such as Asia/Ho_Chi_Minh.")
        }
        guard let table = holidays(settings.holidays) else {
            throw .invalid(
                file: fileName, keyPath: "calendar.holidays",
                problem: "no holiday table \"\(settings.holidays)\"; add calendars/\(settings.holidays).json.")
        }
        let weekdays = Set(settings.workingWeekdays ?? [1, 2, 3, 4, 5])
        guard !weekdays.isEmpty, weekdays.allSatisfy({ (1...7).contains($0) }) else {
            throw .invalid(
                file: fileName, keyPath: "calendar.working_weekdays",
                problem: "list ISO weekdays from 1 (Monday) to 7 (Sunday).")
        }
        let hours = settings.hoursPerWorkingDay ?? 8
        guard hours > 0, hours <= 24 else {
            throw .invalid(
                file: fileName, keyPath: "calendar.hours_per_working_day", problem: "give a number of hours in 1…24.")
        }
        try check(settings.schedules, fileName: fileName)
        let calendar = WorkingCalendar(
            timeZone: zone, workingWeekdays: weekdays, schedules: settings.schedules,
            hoursPerWorkingDay: hours, holidays: table)
        return ProvinceRules(policy: policy, calendar: calendar)
    }

    /// Reads a province policy file and the holiday table it names from `calendars`.
    /// - Throws: `DataFileError` when a file cannot be read or is wrong.
    public static func load(policy url: URL, calendars: URL) throws(DataFileError) -> ProvinceRules {
        let data = try read(url)
        var failure: DataFileError?
        let rules = try decodeProvince(data, fileName: url.lastPathComponent) { name in
            let file = calendars.appending(path: "\(name).json")
            do throws(DataFileError) {
                return try decodeHolidays(try read(file), fileName: file.lastPathComponent)
            } catch {
                failure = error
                return nil
            }
        }
        if let failure { throw failure }
        return rules
    }

    private static func read(_ url: URL) throws(DataFileError) -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            throw .unreadable(file: url.path, reason: error.localizedDescription)
        }
    }

    private static func check(_ schedules: [SeasonalSchedule], fileName: String) throws(DataFileError) {
        guard !schedules.isEmpty else {
            throw .invalid(file: fileName, keyPath: "calendar.schedules", problem: "give at least one schedule.")
        }
        for (s, schedule) in schedules.enumerated() {
            let key = "calendar.schedules[\(s)]"
            for (field, value) in [("from", schedule.from), ("to", schedule.to)]
            where SeasonalSchedule.monthDay(value) == nil {
                throw .invalid(file: fileName, keyPath: "\(key).\(field)", problem: "'\(value)' is not MM-DD.")
            }
            var previousEnd = -1
            for (i, interval) in schedule.intervals.enumerated() {
                guard interval.start.minutes < interval.end.minutes, interval.start.minutes >= previousEnd else {
                    throw .invalid(
                        file: fileName, keyPath: "\(key).intervals[\(i)]",
                        problem: "sessions must start before they end and follow each other without overlap.")
                }
                previousEnd = interval.end.minutes
            }
            guard !schedule.intervals.isEmpty else {
                throw .invalid(file: fileName, keyPath: "\(key).intervals", problem: "give at least one session.")
            }
        }
        // Every day of a leap year must have a schedule.
        for day in 0..<366 {
            let date = LocalDate(dayNumber: 19_723 + day)  // 2024-01-01 + day
            guard schedules.contains(where: { $0.applies(to: date) }) else {
                throw .invalid(
                    file: fileName, keyPath: "calendar.schedules",
                    problem: "no schedule covers \(date.month)-\(date.day); make the seasons cover the whole year.")
            }
        }
    }

    private struct Envelope: Decodable { var calendar: CalendarSettings }

    private struct CalendarSettings: Decodable {
        var timeZone: String
        var holidays: String
        var hoursPerWorkingDay: Double?
        var workingWeekdays: [Int]?
        var schedules: [SeasonalSchedule]

        enum CodingKeys: String, CodingKey {
            case timeZone = "time_zone", holidays, schedules
            case hoursPerWorkingDay = "hours_per_working_day"
            case workingWeekdays = "working_weekdays"
        }
    }
}
