import Foundation

/// What the officer found on site.
public enum Finding: String, Codable, Sendable, CaseIterable, Hashable {
    /// The situation is as reported (phản ánh đúng).
    case confirmed
    /// Partly as reported (đúng một phần).
    case partlyConfirmed = "partly_confirmed"
    /// Not as reported (phản ánh không đúng).
    case notConfirmed = "not_confirmed"
    /// Already resolved by the time of the visit (đã được khắc phục).
    case alreadyResolved = "already_resolved"

    /// The Vietnamese label shown to officers.
    public var label: String {
        switch self {
        case .confirmed: "Phản ánh đúng"
        case .partlyConfirmed: "Đúng một phần"
        case .notConfirmed: "Phản ánh không đúng"
        case .alreadyResolved: "Đã được khắc phục"
        }
    }
}

/// An on-site verification (kiểm tra, xác minh) recorded by an officer. Append-only.
public struct Verification: Codable, Sendable, Hashable, Identifiable {
    public var id: UUID
    public var reportId: String
    /// The officer's name or device label.
    public var officer: String
    public var visitedAt: Date
    /// Where the officer stood, from the device's GPS.
    public var position: GeoPoint?
    public var finding: Finding
    public var notes: String

    public init(
        id: UUID = UUID(), reportId: String, officer: String, visitedAt: Date,
        position: GeoPoint?, finding: Finding, notes: String
    ) {
        self.id = id
        self.reportId = reportId
        self.officer = officer
        self.visitedAt = visitedAt
        self.position = position
        self.finding = finding
        self.notes = notes
    }
}
