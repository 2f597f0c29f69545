import Foundation
import OnSiteCore

/// An on-site verification as an officer gives it: the finding, what was seen, where and when, and photos.
///
/// ```swift
/// var request = VerificationRequest(finding: .confirmed)
/// request.latitude = 21.3866; request.longitude = 103.0171
/// request.photos = ["site.jpg"]
/// let recorded = try await client.verify("DB-2024-00101", request)
/// ```
public struct VerificationRequest: Sendable, Hashable {
    public var finding: Finding
    public var notes: String
    /// Decimal degrees; both or neither.
    public var latitude: Double?
    public var longitude: Double?
    /// When the officer was on site, ISO 8601; now when nil.
    public var visitedAt: String?
    /// Paths of JPEG photos taken on site.
    public var photos: [String]

    public init(finding: Finding, notes: String = "", latitude: Double? = nil, longitude: Double? = nil,
                visitedAt: String? = nil, photos: [String] = []) {
        self.finding = finding
        self.notes = notes
        self.latitude = latitude
        self.longitude = longitude
        self.visitedAt = visitedAt
        self.photos = photos
    }

    /// The position, checked: both coordinates or neither, each in range.
    ///
    /// - Throws: ``ClientError/invalidInput(_:)`` naming `--lat`/`--lon`.
    public func position() throws(ClientError) -> GeoPoint? {
        if (latitude == nil) != (longitude == nil) { throw .invalidInput("Give both --lat and --lon, or neither.") }
        guard let latitude, let longitude else { return nil }
        let point = GeoPoint(latitude: latitude, longitude: longitude)
        guard point.isValid else { throw .invalidInput("--lat must be within -90…90 and --lon within -180…180.") }
        return point
    }

    /// The visit time, checked; nil when not given.
    ///
    /// - Throws: ``ClientError/invalidInput(_:)`` naming `--visited-at`.
    public func visitTime() throws(ClientError) -> Date? {
        guard let visitedAt else { return nil }
        guard let date = WireDate.parse(visitedAt) else {
            throw .invalidInput("--visited-at must be an ISO 8601 time such as 2024-04-18T09:30:00+07:00.")
        }
        return date
    }

    /// Checks every input without recording anything (for a command's `validate()`).
    public func check() throws(ClientError) {
        _ = try position()
        _ = try visitTime()
    }
}
