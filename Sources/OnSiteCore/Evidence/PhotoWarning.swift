import Foundation

/// Something an officer or supervisor should look at about an evidence photo: a warning, never a refusal.
///
/// Each warning has a stable ``code`` (for storage, API bodies and tests) and a sentence in Vietnamese and in
/// English.
///
/// ```swift
/// for warning in check.warnings {
///     print(warning.code.rawValue, warning.message(in: .vietnamese))
/// }
/// ```
public struct PhotoWarning: Sendable, Hashable {
    /// The language of a warning's message.
    public enum Language: String, Sendable, Hashable, Codable, CaseIterable {
        case vietnamese = "vi"
        case english = "en"
    }

    /// The kind of warning; raw values are stable and may be stored.
    public enum Code: String, Sendable, Hashable, Codable, CaseIterable {
        /// The file is not a JPEG.
        case notJPEG = "photo.not_jpeg"
        /// The JPEG is cut short or damaged.
        case incomplete = "photo.incomplete"
        /// The photo has no EXIF block.
        case noEXIF = "photo.no_exif"
        /// The EXIF block is damaged, in whole or in part.
        case unreadableEXIF = "photo.exif_unreadable"
        /// The EXIF has no usable GPS position.
        case noGPS = "photo.no_gps"
        /// The EXIF has no usable capture time.
        case noCaptureTime = "photo.no_capture_time"
        /// The capture time had no time zone; +07:00 was assumed.
        case timeZoneAssumed = "photo.time_zone_assumed"
        /// The report has no location to compare with.
        case siteUnknown = "photo.site_unknown"
        /// The photo was taken farther from the site than the threshold.
        case farFromSite = "photo.far_from_site"
        /// The photo was taken before the report was received.
        case predatesReport = "photo.predates_report"
    }

    /// The kind of warning.
    public var code: Code
    /// The distance to the site in metres, for ``Code/farFromSite``.
    public var distance: Double?
    /// The threshold in metres that was exceeded, for ``Code/farFromSite``.
    public var threshold: Double?

    /// Creates a warning; ``PhotoChecker`` is the usual source.
    public init(_ code: Code, distance: Double? = nil, threshold: Double? = nil) {
        self.code = code
        self.distance = distance
        self.threshold = threshold
    }

    /// The Vietnamese sentence.
    public var vietnamese: String { message(in: .vietnamese) }
    /// The English sentence.
    public var english: String { message(in: .english) }

    /// The warning as a sentence in `language`.
    public func message(in language: Language) -> String {
        let vi = language == .vietnamese
        switch code {
        case .notJPEG:
            return vi ? "Tệp không phải ảnh JPEG." : "The file is not a JPEG photo."
        case .incomplete:
            return vi
                ? "Ảnh JPEG bị cắt ngắn hoặc hỏng; có thể tải lên chưa xong."
                : "The JPEG is cut short or damaged; the upload may not have finished."
        case .noEXIF:
            return vi
                ? "Ảnh không có dữ liệu EXIF: không rõ thời gian và vị trí chụp."
                : "The photo has no EXIF data: when and where it was taken is unknown."
        case .unreadableEXIF:
            return vi ? "Dữ liệu EXIF của ảnh bị hỏng." : "The photo's EXIF data is damaged."
        case .noGPS:
            return vi ? "Ảnh không có toạ độ GPS." : "The photo has no GPS position."
        case .noCaptureTime:
            return vi ? "Ảnh không có thời gian chụp." : "The photo has no capture time."
        case .timeZoneAssumed:
            return vi
                ? "Ảnh không ghi múi giờ; thời gian chụp được hiểu theo giờ Việt Nam (UTC+07:00)."
                : "The photo records no time zone; its capture time is read as Vietnam time (UTC+07:00)."
        case .siteUnknown:
            return vi
                ? "Phản ánh không có toạ độ hiện trường để so sánh."
                : "The report has no site location to compare with."
        case .farFromSite:
            let far = Self.metres(distance), limit = Self.metres(threshold)
            return vi
                ? "Ảnh được chụp cách hiện trường \(far), xa hơn ngưỡng \(limit)."
                : "The photo was taken \(far) from the site, beyond the \(limit) threshold."
        case .predatesReport:
            return vi
                ? "Ảnh được chụp trước thời điểm tiếp nhận phản ánh."
                : "The photo was taken before the report was received."
        }
    }

    /// A distance for people: `850 m`, `296.4 km`.
    public static func metres(_ value: Double?) -> String {
        // Distances come from other devices' records: anything but a finite, non-negative value is unknown.
        guard let value, value.isFinite, value >= 0 else { return "?" }
        if value < 1000 { return "\(Int(value.rounded())) m" }
        return "\((value / 100).rounded() / 10) km"
    }
}
