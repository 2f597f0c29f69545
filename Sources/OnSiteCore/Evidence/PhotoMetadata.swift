import Foundation

/// What a photo's EXIF says about where and when it was taken.
///
/// Built by ``JPEGInspector`` from the tags DateTimeOriginal (0x9003), OffsetTimeOriginal
/// (0x9011) and the GPS IFD (latitude, longitude with their refs, date and time stamps).
///
/// ```swift
/// if let metadata = JPEGInspector.inspect(bytes).exif, let position = metadata.position {
///     print(position.distance(to: site))
/// }
/// ```
public struct PhotoMetadata: Sendable, Hashable {
    /// Where the capture time came from, from most to least trustworthy.
    public enum CaptureTimeSource: String, Sendable, Hashable, Codable {
        /// DateTimeOriginal with the camera's own OffsetTimeOriginal.
        case offsetTimeOriginal
        /// The GPS date and time stamps, which are UTC by definition.
        case gpsTimestamp
        /// DateTimeOriginal without any offset, read as Vietnam time (Asia/Ho_Chi_Minh, UTC+07:00).
        case assumedVietnamTime
    }

    /// The UTC offset assumed when a photo carries neither an offset nor a GPS time: Asia/Ho_Chi_Minh, +07:00.
    public static let assumedUTCOffset = 7 * 3600

    /// The moment the photo was taken, if the EXIF says it in a usable form.
    public var captureTime: Date?
    /// How ``captureTime`` was derived; nil when there is no capture time.
    public var captureTimeSource: CaptureTimeSource?
    /// The GPS position of the camera, if present and within range.
    public var position: GeoPoint?
    /// DateTimeOriginal exactly as written, e.g. `2024:04:18 09:12:30`.
    public var dateTimeOriginal: String?
    /// OffsetTimeOriginal exactly as written, e.g. `+07:00`.
    public var offsetTimeOriginal: String?
    /// The GPS date and time stamps combined (UTC), if both are present and valid.
    public var gpsTimestamp: Date?
    /// The byte order of the EXIF block: `II` or `MM`.
    public var byteOrder: TIFFByteOrder

    /// Whether the time zone of ``captureTime`` was assumed (+07:00) rather than read from the photo.
    public var isTimeZoneAssumed: Bool { captureTimeSource == .assumedVietnamTime }

    /// Creates metadata from already interpreted values, e.g. in tests or from a stored record.
    public init(
        captureTime: Date? = nil, captureTimeSource: CaptureTimeSource? = nil, position: GeoPoint? = nil,
        dateTimeOriginal: String? = nil, offsetTimeOriginal: String? = nil, gpsTimestamp: Date? = nil,
        byteOrder: TIFFByteOrder = .littleEndian
    ) {
        self.captureTime = captureTime
        self.captureTimeSource = captureTime == nil ? nil : captureTimeSource
        self.position = position
        self.dateTimeOriginal = dateTimeOriginal
        self.offsetTimeOriginal = offsetTimeOriginal
        self.gpsTimestamp = gpsTimestamp
        self.byteOrder = byteOrder
    }

    /// Interprets raw tags: the position from the GPS rationals and refs, the capture time by precedence
    /// offset → GPS UTC → assumed +07:00.
    init(tags: EXIFTags) {
        let gpsTimestamp = Self.gpsTimestamp(date: tags.gpsDateStamp, time: tags.gpsTimeStamp)
        let local = tags.dateTimeOriginal.flatMap { EXIFTime.naiveSeconds(dateTime: $0) }
        let offset = tags.offsetTimeOriginal.flatMap(EXIFTime.offsetSeconds)
        var captureTime: Date?
        var source: CaptureTimeSource?
        if let local, let offset {
            (captureTime, source) = (Date(timeIntervalSince1970: TimeInterval(local - offset)), .offsetTimeOriginal)
        } else if let gpsTimestamp {
            (captureTime, source) = (gpsTimestamp, .gpsTimestamp)
        } else if let local {
            let seconds = TimeInterval(local - Self.assumedUTCOffset)
            (captureTime, source) = (Date(timeIntervalSince1970: seconds), .assumedVietnamTime)
        }
        self.init(
            captureTime: captureTime, captureTimeSource: source,
            position: Self.position(tags), dateTimeOriginal: tags.dateTimeOriginal,
            offsetTimeOriginal: tags.offsetTimeOriginal, gpsTimestamp: gpsTimestamp, byteOrder: tags.byteOrder
        )
    }

    /// The position from GPS latitude/longitude and their refs; nil unless both are present, with valid refs, in range.
    static func position(_ tags: EXIFTags) -> GeoPoint? {
        guard let latitude = degrees(tags.gpsLatitude, ref: tags.gpsLatitudeRef, positive: "N", negative: "S"),
            let longitude = degrees(tags.gpsLongitude, ref: tags.gpsLongitudeRef, positive: "E", negative: "W")
        else { return nil }
        let point = GeoPoint(latitude: latitude, longitude: longitude)
        return point.isValid ? point : nil
    }

    /// Degrees, minutes, seconds with a hemisphere ref as signed decimal degrees.
    static func degrees(_ parts: [Double]?, ref: String?, positive: String, negative: String) -> Double? {
        guard let parts, !parts.isEmpty, parts.allSatisfy({ $0.isFinite && $0 >= 0 }) else { return nil }
        let value = parts.enumerated().reduce(0.0) { sum, part in sum + part.element / pow(60, Double(part.offset)) }
        switch ref?.uppercased() {
        case positive: return value
        case negative: return -value
        default: return nil
        }
    }

    /// GPSDateStamp and GPSTimeStamp (both UTC) as a `Date`.
    static func gpsTimestamp(date: String?, time: [Double]?) -> Date? {
        guard let date, let time, let day = EXIFTime.naiveSeconds(date: date),
            let seconds = EXIFTime.secondsOfDay(time)
        else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(day) + seconds)
    }
}
