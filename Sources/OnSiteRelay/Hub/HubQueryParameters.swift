import Foundation
import Hummingbird
import OnSiteCore
import OnSiteSync

/// Reads the query parameters of the hub's read routes, bounding each one before any work: every value is at most
/// ``maxValueBytes``, every list at most ``maxListItems``, dates are W3C datetimes (or days), and each refusal is a
/// 400 that names the parameter and says what it takes.
///
/// ```swift
/// let parameters = HubQueryParameters(request.uri.queryParameters)
/// let from = try parameters.instant("start_date")   // 2024-04-01T00:00:00+07:00, or 2024-04-01
/// ```
struct HubQueryParameters {
    /// The longest value a parameter may have, in bytes.
    static let maxValueBytes = 4_096
    /// The most items a comma-separated list may have.
    static let maxListItems = 100
    /// The zone a bare day (`2024-04-18`) is read in: the provinces' own (Vietnam, UTC+7, no daylight saving).
    static let dayOffset = "+07:00"

    let query: Hummingbird.Parameters

    init(_ query: Hummingbird.Parameters) {
        self.query = query
    }

    /// The longest value, in characters, of the parameters `Protocol/openapi.yaml` bounds more tightly than
    /// ``maxValueBytes`` (the two must agree). These bounds also keep a request's line, percent-encoded, under the
    /// HTTP parser's limit, so a refusal is always this route's sentence.
    static let maxCharacters: [String: Int] = [
        "service_request_id": 2_048, "service_code": 2_048, "status": 1_024,
        "start_date": 64, "end_date": 64, "from": 64, "to": 64, "jurisdiction_id": 128, "unit": 128,
    ]

    /// The value of `name`, or nil when absent; refuses an over-long value.
    func value(_ name: String) throws(RelayError) -> String? {
        guard let text = query.get(name) else { return nil }
        guard text.utf8.count <= Self.maxValueBytes else {
            throw RelayError.badQuery(name, "is longer than \(Self.maxValueBytes) bytes")
        }
        if let limit = Self.maxCharacters[name], text.count > limit {
            throw RelayError.badQuery(name, "is longer than \(limit) characters")
        }
        return text
    }

    /// A comma-separated list without empty items, at most ``maxListItems`` long; nil when absent.
    func list(_ name: String) throws(RelayError) -> [String]? {
        guard let text = try value(name) else { return nil }
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard !items.contains(where: \.isEmpty) else {
            throw RelayError.badQuery(name, "is a comma-separated list without empty items or spaces")
        }
        guard items.count <= Self.maxListItems else {
            throw RelayError.badQuery(name, "lists \(items.count) items; at most \(Self.maxListItems) are allowed per request")
        }
        return items
    }

    /// Report ids, each a valid identifier; nil when absent.
    func reportIds(_ name: String, limits: SyncLimits) throws(RelayError) -> [String]? {
        guard let ids = try list(name) else { return nil }
        if let bad = ids.first(where: { !SnapshotPosition.isReportIdentifier($0, limits: limits) }) {
            throw RelayError.badQuery(name, "holds `\(bad.prefix(64))`, which is not a report id (letters, digits, `-`, `_`, `.`, `:`, `@`, at most \(limits.maxIdentifierLength) bytes)")
        }
        return ids
    }

    /// An instant: a W3C datetime with a zone (`2024-04-18T08:30:00Z`, `2024-04-18T15:30:00+07:00`) or a day
    /// (`2024-04-18`, its start in Vietnam time); nil when absent.
    func instant(_ name: String) throws(RelayError) -> Date? {
        guard let text = try value(name) else { return nil }
        if let day = Self.day(text) { return day }
        guard let date = WireDate.parse(text) else {
            throw RelayError.badQuery(name, "must be a W3C datetime with its zone such as 2024-04-18T08:30:00Z or 2024-04-18T15:30:00+07:00, or a day such as 2024-04-18 (got `\(text.prefix(64))`)")
        }
        return date
    }

    /// Whether `name` was given as a bare day (an end date then runs to the end of that day).
    func isDay(_ name: String) -> Bool {
        query.get(name).map { Self.day($0) != nil } ?? false
    }

    /// An integer within `range`, or `defaultValue` when absent.
    func integer(_ name: String, in range: ClosedRange<Int>, default defaultValue: Int) throws(RelayError) -> Int {
        guard let text = try value(name) else { return defaultValue }
        guard let number = Int(text), range.contains(number) else {
            throw RelayError.badQuery(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound) (got `\(text.prefix(64))`)")
        }
        return number
    }

    /// A unit code of the catalogue; nil when absent.
    func unit(_ name: String, units: UnitDirectory) throws(RelayError) -> String? {
        guard let code = try value(name) else { return nil }
        guard units.unit(code) != nil else {
            throw RelayError.badQuery(name, "names `\(code.prefix(64))`, which is not a unit code of the relay's catalogue (e.g. dien-bien, tp-dien-bien-phu, phuong-muong-thanh)")
        }
        return code
    }

    private static func day(_ text: String) -> Date? {
        guard text.utf8.count == 10 else { return nil }
        return WireDate.parse(text + "T00:00:00" + dayOffset)
    }
}
