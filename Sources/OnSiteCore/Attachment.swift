import Foundation

/// An evidence file (a photo, a scanned document) attached to a report. Append-only.
///
/// Content-addressed: the bytes live in a blob store under their SHA-256 and travel separately from this
/// record, which syncs first. Until the relay holds the whole blob, the attachment is pending everywhere.
public struct Attachment: Codable, Sendable, Hashable, Identifiable {
    public var id: UUID
    public var reportId: String
    /// Lowercase hex SHA-256 of the bytes.
    public var sha256: String
    public var byteCount: Int64
    /// `image/jpeg` for photos.
    public var contentType: String
    /// The name the file had on the device, for people.
    public var fileName: String
    /// The verification the photo belongs to, when taken during one.
    public var verificationId: UUID?
    public var addedBy: String
    public var addedAt: Date
    /// What the photo's EXIF says about where and when it was taken, checked against the report.
    public var capture: CaptureCheck?

    public init(
        id: UUID = UUID(), reportId: String, sha256: String, byteCount: Int64, contentType: String, fileName: String,
        verificationId: UUID? = nil, addedBy: String, addedAt: Date, capture: CaptureCheck? = nil
    ) {
        self.id = id
        self.reportId = reportId
        self.sha256 = sha256
        self.byteCount = byteCount
        self.contentType = contentType
        self.fileName = fileName
        self.verificationId = verificationId
        self.addedBy = addedBy
        self.addedAt = addedAt
        self.capture = capture
    }
}

/// The on-site check of a photo, as recorded with its attachment: where and when EXIF says it was taken,
/// how far from the report's site, and the warning codes (see `PhotoWarning.Code`).
public struct CaptureCheck: Codable, Sendable, Hashable {
    public var position: GeoPoint?
    public var capturedAt: Date?
    /// Metres from the report's location.
    public var distanceToSite: Double?
    public var isCapturedAfterReceipt: Bool?
    /// Stable codes such as `photo.far_from_site`; warnings, never refusals.
    public var warnings: [String]
    /// The distance in metres beyond which the checking device warned (`photo.far_from_site`); absent in
    /// records made before it was kept, which were checked with the default (500 m).
    public var farThreshold: Double?

    public init(
        position: GeoPoint?, capturedAt: Date?, distanceToSite: Double?, isCapturedAfterReceipt: Bool?, warnings: [String],
        farThreshold: Double? = nil
    ) {
        self.position = position
        self.capturedAt = capturedAt
        self.distanceToSite = distanceToSite
        self.isCapturedAfterReceipt = isCapturedAfterReceipt
        self.warnings = warnings
        self.farThreshold = farThreshold
    }
}
