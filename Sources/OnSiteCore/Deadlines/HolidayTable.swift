/// Days off and swapped working days of a country, listed per year (lunar holidays have no rule to compute).
///
/// Decoded from `Samples/calendars/<name>.json`; see `PolicyFile.decodeHolidays(_:fileName:)`.
public struct HolidayTable: Sendable, Hashable, Codable {
    /// Why a working weekday is off.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A public holiday of the Labour Code (ngày lễ, Tết), including the lunar ones.
        case holiday
        /// A day off in compensation for a holiday that fell on a weekend (nghỉ bù).
        case compensatory
        /// A weekday off swapped with a weekend day worked instead (hoán đổi ngày làm việc).
        case swapped
    }

    /// One day off.
    public struct DayOff: Sendable, Hashable, Codable {
        public var date: LocalDate
        public var name: String
        public var kind: Kind

        public init(date: LocalDate, name: String, kind: Kind) {
            self.date = date
            self.name = name
            self.kind = kind
        }
    }

    /// A weekend day worked instead of a swapped weekday (làm bù).
    public struct WorkingDay: Sendable, Hashable, Codable {
        public var date: LocalDate
        public var name: String

        public init(date: LocalDate, name: String) {
            self.date = date
            self.name = name
        }
    }

    /// The days of one year.
    public struct Year: Sendable, Hashable, Codable {
        public var year: Int
        public var daysOff: [DayOff]
        public var workingDays: [WorkingDay]

        private enum CodingKeys: String, CodingKey {
            case year
            case daysOff = "days_off"
            case workingDays = "working_days"
        }

        public init(year: Int, daysOff: [DayOff], workingDays: [WorkingDay] = []) {
            self.year = year
            self.daysOff = daysOff
            self.workingDays = workingDays
        }
    }

    /// Country or table name, e.g. `VN`.
    public var country: String
    /// The years covered. Outside them only the weekly rule applies.
    public var years: [Year]
    /// Remarks for people: sources, assumptions.
    public var notes: [String]?

    public init(country: String, years: [Year], notes: [String]? = nil) {
        self.country = country
        self.years = years
        self.notes = notes
    }

    /// Whether the table lists the days off of `year` (outside it only the weekly rule applies).
    public func covers(_ year: Int) -> Bool { years.contains { $0.year == year } }

    /// The day off on `date`, if any.
    public func dayOff(on date: LocalDate) -> DayOff? {
        years.first { $0.year == date.year }?.daysOff.first { $0.date == date }
    }

    /// The swapped working day on `date`, if any.
    public func workingDay(on date: LocalDate) -> WorkingDay? {
        years.first { $0.year == date.year }?.workingDays.first { $0.date == date }
    }

    /// An index for fast look-ups.
    func index() -> (off: Set<LocalDate>, on: Set<LocalDate>) {
        (
            Set(years.flatMap { $0.daysOff.map(\.date) }),
            Set(years.flatMap { $0.workingDays.map(\.date) })
        )
    }
}
