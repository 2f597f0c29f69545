import Foundation

/// Parses EXIF date, time and offset strings into seconds, without `DateFormatter`, locale or time-zone database.
///
/// Times are "naive" seconds since 1970-01-01 00:00:00 in whatever zone the string was written in;
/// subtract the UTC offset to get a `Date`.
enum EXIFTime {
    /// `YYYY:MM:DD HH:MM:SS` (also `-` between date fields, `T` before the time) as naive seconds.
    static func naiveSeconds(dateTime text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19, bytes[10] == 0x20 || bytes[10] == 0x54 else { return nil }
        guard let day = naiveSeconds(date: String(decoding: bytes[0..<10], as: UTF8.self)),
            let hour = number(bytes, 11, 2), bytes[13] == 0x3A,
            let minute = number(bytes, 14, 2), bytes[16] == 0x3A,
            let second = number(bytes, 17, 2),
            hour < 24, minute < 60, second < 61
        else { return nil }
        return day + hour * 3600 + minute * 60 + second
    }

    /// `YYYY:MM:DD` (or `YYYY-MM-DD`) as naive seconds at midnight.
    static func naiveSeconds(date text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 10, bytes[4] == bytes[7], bytes[4] == 0x3A || bytes[4] == 0x2D,
            let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2),
            (1900...2999).contains(year), (1...12).contains(month), (1...CivilCalendar.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        return CivilCalendar.dayNumber(year: year, month: month, day: day) * 86_400
    }

    /// `+HH:MM`, `-HH:MM` (or `+HHMM`) as seconds east of UTC; `Z` is zero.
    static func offsetSeconds(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        if bytes == [0x5A] { return 0 }
        guard bytes.count == 6 || bytes.count == 5, bytes[0] == 0x2B || bytes[0] == 0x2D,
            let hours = number(bytes, 1, 2)
        else { return nil }
        let minutesAt = bytes.count == 6 ? 4 : 3
        guard bytes.count == 5 || bytes[3] == 0x3A, let minutes = number(bytes, minutesAt, 2), hours <= 14,
            minutes < 60
        else { return nil }
        let seconds = hours * 3600 + minutes * 60
        return bytes[0] == 0x2D ? -seconds : seconds
    }

    /// GPS hours, minutes, seconds (rationals) as seconds since midnight.
    static func secondsOfDay(_ parts: [Double]) -> Double? {
        guard parts.count == 3, parts.allSatisfy({ $0.isFinite && $0 >= 0 }), parts[0] < 24, parts[1] < 60,
            parts[2] < 61
        else { return nil }
        return parts[0] * 3600 + parts[1] * 60 + parts[2]
    }

    /// The decimal number in `length` ASCII digits at `start`, or nil if any is not a digit.
    private static func number(_ bytes: [UInt8], _ start: Int, _ length: Int) -> Int? {
        guard start >= 0, start + length <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[start..<(start + length)] {
            guard (0x30...0x39).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }
}
