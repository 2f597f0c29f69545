import Foundation
import OnSiteCore

/// The overdue table a supervisor asks for: the grouping and the window, as typed.
///
/// Days (`2024-04-01`) are read in the province's time zone, from its policy file; instants are ISO 8601.
public struct OverdueRequest: Sendable, Hashable {
    public var grouping: OverdueGrouping
    /// Only reports received from this day or instant.
    public var from: String?
    /// Only reports received before this day or instant.
    public var to: String?
    /// The state as of this instant; now when nil.
    public var asOf: String?

    public init(grouping: OverdueGrouping = .district, from: String? = nil, to: String? = nil, asOf: String? = nil) {
        self.grouping = grouping
        self.from = from
        self.to = to
        self.asOf = asOf
    }

    /// A day at 00:00 in `calendar`'s zone, or an ISO 8601 instant; nil when not given.
    ///
    /// - Throws: ``ClientError/invalidInput(_:)`` naming `flag`.
    public static func instant(_ text: String?, _ flag: String, in calendar: WorkingCalendar) throws(ClientError) -> Date? {
        guard let text else { return nil }
        if let date = WireDate.parse(text) { return date }
        if let day = LocalDate(text), let midnight = TimeOfDay(hour: 0, minute: 0) { return calendar.instant(day, midnight) }
        throw .invalidInput("\(flag) must be a day (2024-04-01) or an ISO 8601 instant, not \"\(text)\".")
    }
}
