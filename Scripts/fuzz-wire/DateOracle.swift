// The fuzz target's reference for wire dates: what `WireDate.parse` may accept, checked independently.
import Foundation
import OnSiteCore
import OnSiteSync
import Synchronization

/// Collects every date text the wire decoder accepts while decoding a change set.
enum DateRecorder {
    private final class Entries: Sendable {
        let values = Mutex<[(String, Date)]>([])
    }

    /// Decodes `bytes` as a `ChangeSet` with the wire's date rule (`WireDate.parse`), recording each date.
    static func datesAccepted(in bytes: Data) -> [(String, Date)] {
        let entries = Entries()
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = WireDate.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a wire date")
            }
            entries.values.withLock { $0.append((text, date)) }
            return date
        }
        guard (try? decoder.decode(ChangeSet.self, from: bytes)) != nil else {
            fatalError("WireCoding.decode accepted the change set but the same decode with recorded dates did not")
        }
        return entries.values.withLock { $0 }
    }
}

/// RFC 3339 as the wire uses it: `YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM|±HHMM)`, a real calendar day, offsets
/// within ±23:59, and an instant in years 1…9999 UTC (what `WireDate.format` can write in four digits).
enum DateOracle {
    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z.
    static let earliest = -62_135_596_800.0
    static let latest = 253_402_300_799.999

    static func check(_ text: String, parsedAs date: Date) {
        let seconds = date.timeIntervalSince1970
        if let expected = expectedSeconds(Array(text.utf8), text: text) {
            guard abs(expected - seconds) < 0.0005 else {
                fatalError("WireDate.parse read \"\(text)\" as \(seconds) s; the calendar says \(expected) s")
            }
        }
        let formatted = WireDate.format(date)
        guard let back = WireDate.parse(formatted),
              abs(back.timeIntervalSince1970 - WireDate.rounded(date).timeIntervalSince1970) < 0.0005
        else {
            fatalError("\"\(text)\" does not survive the wire: formatted as \"\(formatted)\", read back as \(String(describing: WireDate.parse(formatted)))")
        }
        // Checked after the round trip so that a date the formatter cannot write traps where the relay would.
        guard seconds.isFinite, seconds >= earliest, seconds <= latest else {
            fatalError("WireDate.parse accepted \"\(text)\" as \(seconds) s, outside years 1…9999 UTC")
        }
    }

    /// The instant a text in the wire's own shape stands for, or nil for other ISO 8601 forms (Foundation's
    /// fallback path, checked by the range and round trip only). Traps when the shape is right but a part is
    /// out of range: the parser must have refused it.
    private static func expectedSeconds(_ b: [UInt8], text: String) -> Double? {
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from >= 0, from + count <= b.count else { return nil }
            var value = 0
            for byte in b[from..<(from + count)] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
              let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2)
        else { return nil }
        var index = 19
        var millis = 0
        if b[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while let digit = number(index, 1) {
                if index - start < 3 { millis = millis * 10 + digit }
                index += 1
            }
            guard index > start else { return nil }
            for _ in 0..<max(0, 3 - (index - start)) { millis *= 10 }
        }
        guard index < b.count else { return nil }
        var offsetMinutes = 0
        switch b[index] {
        case UInt8(ascii: "Z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = b[index] == UInt8(ascii: "-") ? -1 : 1
            guard let hours = number(index + 1, 2) else { return nil }
            var minutesAt = index + 3
            if minutesAt < b.count, b[minutesAt] == UInt8(ascii: ":") { minutesAt += 1 }
            guard let minutes = number(minutesAt, 2) else { return nil }
            guard hours <= 23, minutes <= 59 else { fatalError("WireDate.parse accepted the offset of \"\(text)\"") }
            offsetMinutes = sign * (hours * 60 + minutes)
            index = minutesAt + 2
        default:
            return nil
        }
        guard index == b.count else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day) else {
            fatalError("WireDate.parse accepted \"\(text)\", which is not a day of the calendar")
        }
        guard hour <= 23, minute <= 59, second <= 60 else { fatalError("WireDate.parse accepted the time of \"\(text)\"") }
        let days = daysFromCivil(year: year, month: month, day: day)
        let local = Double(days * 86_400 + hour * 3600 + minute * 60 + second) + Double(millis) / 1000
        return local - Double(offsetMinutes * 60)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's `days_from_civil`).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
