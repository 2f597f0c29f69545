/// A time of day in minutes after midnight, written `HH:MM` in data files.
public struct TimeOfDay: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Minutes after midnight, 0…1440.
    public let minutes: Int

    /// A time from hours and minutes, or `nil` outside 00:00…24:00.
    public init?(hour: Int, minute: Int) {
        guard (0...24).contains(hour), (0...59).contains(minute), hour * 60 + minute <= 1440 else { return nil }
        self.minutes = hour * 60 + minute
    }

    /// Parses `HH:MM`.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        self.init(hour: h, minute: m)
    }

    /// `HH:MM`.
    public var description: String {
        let h = minutes / 60, m = minutes % 60
        return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
    }

    public static func < (lhs: TimeOfDay, rhs: TimeOfDay) -> Bool { lhs.minutes < rhs.minutes }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let time = TimeOfDay(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not a time; write HH:MM."))
        }
        self = time
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// One office session, e.g. the morning 07:30–11:30.
public struct OfficeInterval: Sendable, Hashable, Codable {
    public var start: TimeOfDay
    public var end: TimeOfDay

    public init(start: TimeOfDay, end: TimeOfDay) {
        self.start = start
        self.end = end
    }

    /// The length in seconds.
    public var seconds: Int { (end.minutes - start.minutes) * 60 }
}

/// Office hours valid during part of the year (e.g. summer hours), inclusive of both ends; may wrap the new year.
public struct SeasonalSchedule: Sendable, Hashable, Codable {
    /// A name for people, e.g. "summer (giờ mùa hè)".
    public var name: String
    /// First day, `MM-DD`.
    public var from: String
    /// Last day, `MM-DD`.
    public var to: String
    /// The sessions of a working day, in order, not overlapping.
    public var intervals: [OfficeInterval]

    public init(name: String, from: String, to: String, intervals: [OfficeInterval]) {
        self.name = name
        self.from = from
        self.to = to
        self.intervals = intervals
    }

    /// Whether the schedule applies on `date`.
    public func applies(to date: LocalDate) -> Bool {
        let key = date.month * 100 + date.day
        guard let start = Self.monthDay(from), let end = Self.monthDay(to) else { return false }
        return start <= end ? (start...end).contains(key) : key >= start || key <= end
    }

    /// `MM-DD` as `month * 100 + day`, or `nil` when malformed.
    static func monthDay(_ text: String) -> Int? {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let m = Int(parts[0]), let d = Int(parts[1]), (1...12).contains(m), (1...31).contains(d)
        else { return nil }
        return m * 100 + d
    }
}
