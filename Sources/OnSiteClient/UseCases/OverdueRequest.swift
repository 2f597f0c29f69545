import Foundation
import OnSiteCore

/// The overdue table or list a supervisor asks for: the step, the grouping and the window, as typed.
///
/// Days (`2024-04-01`) are read in the province's time zone, from its policy file; instants are ISO 8601.
public struct OverdueRequest: Sendable, Hashable {
    public var grouping: OverdueGrouping
    /// The timed step to tabulate (the memo's table is `handling`).
    public var step: DeadlineStep
    /// Only reports received from this day or instant.
    public var from: String?
    /// Only reports received before this day or instant.
    public var to: String?
    /// The state as of this instant; now when nil.
    public var asOf: String?

    public init(
        grouping: OverdueGrouping = .district, step: DeadlineStep = .handling, from: String? = nil, to: String? = nil,
        asOf: String? = nil
    ) {
        self.grouping = grouping
        self.step = step
        self.from = from
        self.to = to
        self.asOf = asOf
    }

    /// The zone of Vietnamese provinces, for days and times when no policy says otherwise.
    public static let provinceTimeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh") ?? TimeZone(secondsFromGMT: 7 * 3600) ?? .gmt

    /// A day at 00:00 in `calendar`'s zone, or an ISO 8601 instant; nil when not given.
    ///
    /// - Throws: ``ClientError/invalidInput(_:)`` naming `flag`.
    public static func instant(_ text: String?, _ flag: String, in calendar: WorkingCalendar) throws(ClientError) -> Date? {
        try instant(text, flag, zone: calendar.timeZone)
    }

    /// A day at 00:00 in `zone`, or an ISO 8601 instant; nil when not given.
    ///
    /// - Throws: ``ClientError/invalidInput(_:)`` naming `flag`.
    public static func instant(_ text: String?, _ flag: String, zone: TimeZone) throws(ClientError) -> Date? {
        guard let text else { return nil }
        if let date = WireDate.parse(text) { return date }
        if let day = LocalDate(text) {
            let local = Date(timeIntervalSince1970: Double(day.dayNumber * 86_400))
            return local.addingTimeInterval(-Double(zone.secondsFromGMT(for: local)))
        }
        throw .invalidInput("\(flag) must be a day (2024-04-01) or an ISO 8601 instant, not \"\(text)\".")
    }
}
