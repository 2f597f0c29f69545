import Foundation

/// The on-site check of one evidence photo against its report: where and when it was taken, and the warnings.
///
/// Recorded with the attachment; the warnings are shown, never used to refuse the photo.
///
/// ```swift
/// let check = PhotoChecker().check(JPEGInspector.inspect(bytes), against: report)
/// check.distanceToSite            // 59.3 (metres)
/// check.isCapturedAfterReceipt    // true
/// check.warnings.map(\.code)      // []
/// ```
public struct PhotoCheck: Sendable, Hashable {
    /// Where the photo was taken, from its EXIF GPS.
    public var capturePosition: GeoPoint?
    /// When the photo was taken, from its EXIF.
    public var captureTime: Date?
    /// How ``captureTime`` was derived.
    public var captureTimeSource: PhotoMetadata.CaptureTimeSource?
    /// The great-circle distance from ``capturePosition`` to the report's location, in metres.
    public var distanceToSite: Double?
    /// Whether ``captureTime`` is at or after the moment the report was received; nil if either is unknown.
    public var isCapturedAfterReceipt: Bool?
    /// What to look at, in a stable order: file problems, EXIF problems, place, time.
    public var warnings: [PhotoWarning]

    /// Creates a check result; ``PhotoChecker`` is the usual source.
    public init(
        capturePosition: GeoPoint? = nil, captureTime: Date? = nil,
        captureTimeSource: PhotoMetadata.CaptureTimeSource? = nil, distanceToSite: Double? = nil,
        isCapturedAfterReceipt: Bool? = nil, warnings: [PhotoWarning] = []
    ) {
        self.capturePosition = capturePosition
        self.captureTime = captureTime
        self.captureTimeSource = captureTimeSource
        self.distanceToSite = distanceToSite
        self.isCapturedAfterReceipt = isCapturedAfterReceipt
        self.warnings = warnings
    }

    /// Whether there is anything to look at.
    public var hasWarnings: Bool { !warnings.isEmpty }

    /// The warning codes, for quick tests and logs.
    public var warningCodes: [PhotoWarning.Code] { warnings.map(\.code) }
}
