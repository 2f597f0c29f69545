import Foundation

/// The raw values of the few EXIF tags the on-site check reads, as found in the file, not yet interpreted.
struct EXIFTags: Sendable, Hashable {
    var byteOrder: TIFFByteOrder
    /// 0x9003, `YYYY:MM:DD HH:MM:SS`, local time of the camera.
    var dateTimeOriginal: String?
    /// 0x9011, `+HH:MM`, the camera's UTC offset when the photo was taken.
    var offsetTimeOriginal: String?
    /// GPS 0x0001, `N` or `S`.
    var gpsLatitudeRef: String?
    /// GPS 0x0002, degrees, minutes, seconds.
    var gpsLatitude: [Double]?
    /// GPS 0x0003, `E` or `W`.
    var gpsLongitudeRef: String?
    /// GPS 0x0004, degrees, minutes, seconds.
    var gpsLongitude: [Double]?
    /// GPS 0x001D, `YYYY:MM:DD`, UTC.
    var gpsDateStamp: String?
    /// GPS 0x0007, hours, minutes, seconds, UTC.
    var gpsTimeStamp: [Double]?
    /// Whether the block had a GPS IFD at all.
    var hasGPSIFD = false

    init(byteOrder: TIFFByteOrder) {
        self.byteOrder = byteOrder
    }
}
