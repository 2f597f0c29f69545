/// A deadline length in working time, as the regulations state them.
///
/// In data files: `"immediate"`, `{"working_hours": 4}` or `{"working_days": 0.5}`.
public enum WorkingDuration: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Ngay: urgent reports, due at once.
    case immediate
    /// N giờ làm việc.
    case workingHours(Double)
    /// N ngày làm việc; ½ is allowed.
    case workingDays(Double)

    /// The length in seconds of office time, given the length of a working day.
    public func seconds(hoursPerWorkingDay: Double) -> Double {
        switch self {
        case .immediate: 0
        case .workingHours(let hours): hours * 3600
        case .workingDays(let days): days * hoursPerWorkingDay * 3600
        }
    }

    /// English, e.g. "0.5 working days", "4 working hours", "immediately".
    public var description: String {
        switch self {
        case .immediate: "immediately"
        case .workingHours(let h): "\(Self.number(h)) working hour\(h == 1 ? "" : "s")"
        case .workingDays(let d): "\(Self.number(d)) working day\(d == 1 ? "" : "s")"
        }
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    private enum CodingKeys: String, CodingKey {
        case workingHours = "working_hours"
        case workingDays = "working_days"
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
        switch (hours, days) {
        case (let h?, nil) where h > 0 && h.isFinite: self = .workingHours(h)
        case (nil, let d?) where d > 0 && d.isFinite: self = .workingDays(d)
        default:
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "a duration needs exactly one positive \"working_hours\" or \"working_days\", "
                    + "or the string \"immediate\"."))
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
        }
    }
}
