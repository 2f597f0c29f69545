import Foundation

/// A deadline length, as the regulations state them: working time, or clock time for urgent reports.
///
/// In data files: `"immediate"`, `{"working_hours": 4}`, `{"working_days": 0.5}` or `{"hours": 2}`
/// (clock hours, day and night: urgent reports do not wait for office hours).
public enum WorkingDuration: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Ngay: urgent reports, due at once.
    case immediate
    /// N giờ làm việc.
    case workingHours(Double)
    /// N ngày làm việc; ½ is allowed.
    case workingDays(Double)
    /// N giờ (clock hours, nights, weekends and holidays included): for urgent reports.
    case elapsedHours(Double)

    /// The length in seconds of office time, given the length of a working day; for `elapsedHours`, seconds of
    /// clock time (see ``isElapsedTime``).
    public func seconds(hoursPerWorkingDay: Double) -> Double {
        switch self {
        case .immediate: 0
        case .workingHours(let hours): hours * 3600
        case .workingDays(let days): days * hoursPerWorkingDay * 3600
        case .elapsedHours(let hours): hours * 3600
        }
    }

    /// Whether the duration counts clock time rather than office time.
    public var isElapsedTime: Bool {
        if case .elapsedHours = self { return true }
        return false
    }

    /// English, e.g. "0.5 working days", "4 working hours", "immediately".
    public var description: String {
        switch self {
        case .immediate: "immediately"
        case .workingHours(let h): "\(Self.number(h)) working hour\(h == 1 ? "" : "s")"
        case .workingDays(let d): "\(Self.number(d)) working day\(d == 1 ? "" : "s")"
        case .elapsedHours(let h): "\(Self.number(h)) hour\(h == 1 ? "" : "s") day and night"
        }
    }

    /// Vietnamese, e.g. "1/2 ngày làm việc", "4 giờ làm việc", "ngay", "2 giờ (kể cả ngoài giờ hành chính)".
    public var vietnamese: String {
        switch self {
        case .immediate: "ngay"
        case .workingHours(let h): "\(Self.vietnameseNumber(h)) giờ làm việc"
        case .workingDays(let d): "\(Self.vietnameseNumber(d)) ngày làm việc"
        case .elapsedHours(let h): "\(Self.vietnameseNumber(h)) giờ (kể cả ngoài giờ hành chính)"
        }
    }

    private static func vietnameseNumber(_ value: Double) -> String {
        value == 0.5 ? "1/2" : number(value).replacingOccurrences(of: ".", with: ",")
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    private enum CodingKeys: String, CodingKey {
        case workingHours = "working_hours"
        case workingDays = "working_days"
        case elapsedHours = "hours"
    }

    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let text = try? single.decode(String.self) {
            guard text == "immediate" else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: decoder.codingPath,
                    debugDescription: "'\(text)' is not a duration; write \"immediate\", {\"working_hours\": N} "
                        + "or {\"working_days\": N}."))
            }
            self = .immediate
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let hours = try c.decodeIfPresent(Double.self, forKey: .workingHours)
        let days = try c.decodeIfPresent(Double.self, forKey: .workingDays)
        let elapsed = try c.decodeIfPresent(Double.self, forKey: .elapsedHours)
        switch (hours, days, elapsed) {
        case (let h?, nil, nil) where h > 0 && h.isFinite: self = .workingHours(h)
        case (nil, let d?, nil) where d > 0 && d.isFinite: self = .workingDays(d)
        case (nil, nil, let e?) where e > 0 && e.isFinite: self = .elapsedHours(e)
        default:
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "a duration needs exactly one positive \"working_hours\", \"working_days\" "
                    + "or \"hours\", or the string \"immediate\"."))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .immediate:
            var c = encoder.singleValueContainer()
            try c.encode("immediate")
        case .workingHours(let h):
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(h, forKey: .workingHours)
        case .workingDays(let d):
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(d, forKey: .workingDays)
        case .elapsedHours(let h):
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(h, forKey: .elapsedHours)
        }
    }
}
