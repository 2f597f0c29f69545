import Foundation

/// Dates on the wire: ISO 8601 in UTC with milliseconds (`2024-04-18T08:30:00.000Z`). Dates made on a
/// device are rounded to milliseconds first, so a value survives the wire unchanged.
///
/// The reader is strict and total: it accepts `YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM|±HHMM)` for a real calendar
/// date (no 30 February, no hour 24, no second 60, offsets up to ±18:00) whose instant lies in ``range``, and
/// nothing else; it never rolls a value over into another day. The writer is total too: its arithmetic is
/// on integers bounded by ``range``, so no input can make it trap.
///
/// Both are hand-written: they run for every date of every operation, and Foundation's format styles cost
/// several microseconds each.
public enum WireDate {
    /// 1970-01-01T00:00:00.000Z, the first instant the wire carries.
    public static let earliestMillis: Int64 = 0
    /// 3000-01-01T00:00:00.000Z, the first instant past the wire's range (the bound stamps have too).
    public static let endMillis: Int64 = 32_503_680_000_000
    /// The instants a wire date may name: from 1970 up to (not including) the year 3000.
    public static var range: Range<Date> {
        Self.date(millis: earliestMillis)..<Self.date(millis: endMillis)
    }

    /// A date rounded to the millisecond, as stored and sent.
    public static func rounded(_ date: Date) -> Date {
        Self.date(millis: millis(date))
    }

    /// The date `millis` milliseconds after 1970: the inverse of ``millis(_:)`` within ``range``.
    public static func date(millis: Int64) -> Date {
        Date(timeIntervalSince1970: Double(millis) / 1000)
    }

    /// Milliseconds since 1970, clamped to ``range`` (a date outside it, or not finite, gives the nearer bound).
    public static func millis(_ date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1000).rounded()
        guard value.isFinite, value > Double(earliestMillis) else { return earliestMillis }
        guard value < Double(endMillis) else { return endMillis - 1 }
        return Int64(value)
    }

    /// `2024-04-18T08:30:00.000Z`. A date outside ``range`` is written as the nearer bound.
    public static func format(_ date: Date) -> String {
        let total = millis(date)
        let days = total / 86_400_000
        let inDay = total % 86_400_000
        let (year, month, day) = CivilCalendar.date(dayNumber: Int(days))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        func digits(_ value: Int64, _ count: Int) {
            var divisor: Int64 = 1
            for _ in 1..<count { divisor *= 10 }
            for _ in 0..<count {
                // `value` is non-negative and below 10^count here, so each digit is 0…9.
                bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value / divisor % 10))
                divisor /= 10
            }
        }
        digits(Int64(year), 4); bytes.append(UInt8(ascii: "-"))
        digits(Int64(month), 2); bytes.append(UInt8(ascii: "-"))
        digits(Int64(day), 2); bytes.append(UInt8(ascii: "T"))
        digits(inDay / 3_600_000, 2); bytes.append(UInt8(ascii: ":"))
        digits(inDay / 60_000 % 60, 2); bytes.append(UInt8(ascii: ":"))
        digits(inDay / 1000 % 60, 2); bytes.append(UInt8(ascii: "."))
        digits(inDay % 1000, 3); bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses a wire date; nil for any other text, an impossible date, or an instant outside ``range``.
    public static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    /// The date strategy of every JSON decoder of the project (wire and data files): a wire date, or a
    /// decoding error that says what to write instead.
    ///
    /// ```swift
    /// decoder.dateDecodingStrategy = .custom(WireDate.decode)
    /// ```
    public static func decode(from decoder: any Decoder) throws -> Date {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = parse(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: problem(with: text) ?? "not a date")
        }
        return date
    }

    /// Why `text` is not a wire date, as a sentence (nil when it is one): for messages that say what to fix.
    public static func problem(with text: String) -> String? {
        guard parse(text) == nil else { return nil }
        return "expected an ISO 8601 date of 1970 to 2999 such as 2024-04-18T08:30:00.000Z (a real calendar date, UTC or an offset up to ±18:00), got \"\(text.prefix(64))\""
    }

    private static func parse(utf8 b: UnsafeBufferPointer<UInt8>) -> Date? {
        // The longest form: 19 + "." + 9 digits + "+HH:MM". Longer text is refused before any work.
        guard b.count >= 20, b.count <= 35 else { return nil }
        func number(_ from: Int, _ count: Int) -> Int64? {
            guard from >= 0, count > 0, from + count <= b.count else { return nil }
            var value: Int64 = 0
            for index in from..<(from + count) {
                let byte = b[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
              let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
              (1...12).contains(month), day >= 1, day <= CivilCalendar.daysIn(month: Int(month), year: Int(year)),
              hour < 24, minute < 60, second < 60
        else { return nil }
        var index = 19
        var millis: Int64 = 0
        if index < b.count, b[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            var scale: Int64 = 100
            while index < b.count, let digit = number(index, 1) {
                millis += digit * scale  // digits past the millisecond are dropped
                scale /= 10
                index += 1
            }
            guard index > start, index - start <= 9 else { return nil }
        }
        var offsetSeconds: Int64 = 0
        guard index < b.count else { return nil }
        switch b[index] {
        case UInt8(ascii: "Z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard let hours = number(index + 1, 2) else { return nil }
            var minutesAt = index + 3
            if minutesAt < b.count, b[minutesAt] == UInt8(ascii: ":") { minutesAt += 1 }
            guard let minutes = number(minutesAt, 2), minutes < 60, hours * 60 + minutes <= 18 * 60 else { return nil }
            offsetSeconds = (hours * 3600 + minutes * 60) * (b[index] == UInt8(ascii: "-") ? -1 : 1)
            index = minutesAt + 2
        default:
            return nil
        }
        guard index == b.count else { return nil }
        let seconds = Int64(CivilCalendar.dayNumber(year: Int(year), month: Int(month), day: Int(day))) * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        let total = seconds * 1000 + millis
        guard total >= earliestMillis, total < endMillis else { return nil }
        return Self.date(millis: total)
    }
}
