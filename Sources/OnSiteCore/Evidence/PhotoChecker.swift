import Foundation

/// Checks evidence photos against their report's site and receipt time. Pure: no clock, no I/O.
///
/// ```swift
/// let checker = PhotoChecker(configuration: .init(farThreshold: 300))
/// let check = checker.check(JPEGInspector.inspect(bytes), site: report.location, receivedAt: report.receivedAt)
/// ```
public struct PhotoChecker: Sendable, Hashable {
    /// How strict the check is.
    public struct Configuration: Sendable, Hashable, Codable {
        /// Beyond this distance from the site, in metres, a photo gets ``PhotoWarning/Code/farFromSite``.
        public var farThreshold: Double = 500
        /// A photo taken up to this long before receipt is not warned about (camera clocks drift), in seconds.
        /// ``PhotoCheck/isCapturedAfterReceipt`` still compares exactly.
        public var receiptTolerance: TimeInterval = 0
        /// Whether to warn when the capture time zone was assumed (+07:00).
        public var warnsAboutAssumedTimeZone = true

        /// Creates a configuration; every parameter has a default.
        public init(farThreshold: Double = 500, receiptTolerance: TimeInterval = 0, warnsAboutAssumedTimeZone: Bool = true) {
            self.farThreshold = farThreshold
            self.receiptTolerance = receiptTolerance
            self.warnsAboutAssumedTimeZone = warnsAboutAssumedTimeZone
        }
    }

    /// The thresholds in use.
    public var configuration: Configuration

    /// Creates a checker.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Checks an inspected file: file problems (not a JPEG, incomplete), then its metadata.
    ///
    /// - Parameters:
    ///   - inspection: what ``JPEGInspector`` found in the file.
    ///   - site: the report's location; nil gives ``PhotoWarning/Code/siteUnknown`` when the photo has a position.
    ///   - receivedAt: when the report was received.
    public func check(_ inspection: JPEGInspection, site: GeoPoint?, receivedAt: Date) -> PhotoCheck {
        guard inspection.isJPEG else { return PhotoCheck(warnings: [PhotoWarning(.notJPEG)]) }
        var fileWarnings: [PhotoWarning] = []
        if !inspection.isComplete { fileWarnings.append(PhotoWarning(.incomplete)) }
        if inspection.exifError != nil { fileWarnings.append(PhotoWarning(.unreadableEXIF)) }
        var result = check(inspection.exif, site: site, receivedAt: receivedAt)
        if inspection.exif == nil, inspection.hasEXIFSegment {
            result.warnings.removeAll { $0.code == .noEXIF }  // there is EXIF, it is unreadable
        }
        result.warnings.insert(contentsOf: fileWarnings, at: 0)
        return result
    }

    /// Checks a photo's metadata against the report's site and receipt time.
    ///
    /// - Parameters:
    ///   - metadata: the photo's EXIF facts; nil means the photo has no EXIF.
    ///   - site: the report's location.
    ///   - receivedAt: when the report was received.
    public func check(_ metadata: PhotoMetadata?, site: GeoPoint?, receivedAt: Date) -> PhotoCheck {
        guard let metadata else {
            return PhotoCheck(warnings: [PhotoWarning(.noEXIF), PhotoWarning(.noGPS), PhotoWarning(.noCaptureTime)])
        }
        var result = PhotoCheck(
            capturePosition: metadata.position, captureTime: metadata.captureTime,
            captureTimeSource: metadata.captureTimeSource
        )
        var warnings: [PhotoWarning] = []

        if let position = metadata.position {
            if let site, site.isValid {
                let distance = position.distance(to: site)
                result.distanceToSite = distance
                if distance > configuration.farThreshold {
                    warnings.append(PhotoWarning(.farFromSite, distance: distance, threshold: configuration.farThreshold))
                }
            } else {
                warnings.append(PhotoWarning(.siteUnknown))
            }
        } else {
            warnings.append(PhotoWarning(.noGPS))
        }

        if let captureTime = metadata.captureTime {
            result.isCapturedAfterReceipt = captureTime >= receivedAt
            if captureTime < receivedAt.addingTimeInterval(-max(0, configuration.receiptTolerance)) {
                warnings.append(PhotoWarning(.predatesReport))
            }
            if metadata.isTimeZoneAssumed, configuration.warnsAboutAssumedTimeZone {
                warnings.append(PhotoWarning(.timeZoneAssumed))
            }
        } else {
            warnings.append(PhotoWarning(.noCaptureTime))
        }
        result.warnings = warnings
        return result
    }
}
