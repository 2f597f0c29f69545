import Foundation

/// Why a photo's bytes could not be read as a JPEG, or its EXIF block as TIFF.
///
/// A public struct around a private enum, so cases can be added later. Every error has a stable machine
/// ``code`` and a human ``description`` that says what was being read and where.
///
/// ```swift
/// let inspection = JPEGInspector.inspect(bytes)
/// if let error = inspection.structureError { log(error.code, error.description) }
/// ```
public struct EvidenceError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Sendable, Hashable {
        case empty
        case notJPEG
        case truncated(offset: Int, reading: String)
        case badMarker(offset: Int, byte: UInt8)
        case badSegmentLength(offset: Int, length: Int)
        case noImageData
        case tooManySegments(limit: Int)
        case badTIFFHeader
        case outOfBounds(offset: Int, length: Int, reading: String)
    }

    private let kind: Kind

    private init(_ kind: Kind) { self.kind = kind }

    /// The input holds no bytes at all.
    public static var empty: Self { Self(.empty) }
    /// The input does not start with the JPEG start-of-image marker `FF D8`.
    public static var notJPEG: Self { Self(.notJPEG) }
    /// The input ends at `offset` while `reading` was still expected.
    public static func truncated(offset: Int, reading: String) -> Self {
        Self(.truncated(offset: offset, reading: reading))
    }
    /// A byte other than `FF` stands where a JPEG marker must start.
    public static func badMarker(offset: Int, byte: UInt8) -> Self { Self(.badMarker(offset: offset, byte: byte)) }
    /// A JPEG segment declares a length shorter than its own length field.
    public static func badSegmentLength(offset: Int, length: Int) -> Self {
        Self(.badSegmentLength(offset: offset, length: length))
    }
    /// The JPEG ends (EOI) before any scan (SOS): there is no picture in it.
    public static var noImageData: Self { Self(.noImageData) }
    /// The JPEG has more segments than any real photo; reading stopped there.
    public static func tooManySegments(limit: Int) -> Self { Self(.tooManySegments(limit: limit)) }
    /// The EXIF block does not start with a TIFF header (`II*\0` or `MM\0*`).
    public static var badTIFFHeader: Self { Self(.badTIFFHeader) }
    /// A TIFF offset or count points outside the EXIF block.
    public static func outOfBounds(offset: Int, length: Int, reading: String) -> Self {
        Self(.outOfBounds(offset: offset, length: length, reading: reading))
    }

    /// A stable machine code, e.g. `jpeg.truncated`, for logs, API bodies and tests.
    public var code: String {
        switch kind {
        case .empty: "jpeg.empty"
        case .notJPEG: "jpeg.not_jpeg"
        case .truncated: "jpeg.truncated"
        case .badMarker: "jpeg.bad_marker"
        case .badSegmentLength: "jpeg.bad_segment_length"
        case .noImageData: "jpeg.no_image_data"
        case .tooManySegments: "jpeg.too_many_segments"
        case .badTIFFHeader: "exif.bad_tiff_header"
        case .outOfBounds: "exif.out_of_bounds"
        }
    }

    /// Whether the error means the file was cut short (an interrupted upload or copy).
    public var isTruncation: Bool {
        if case .truncated = kind { return true }
        return false
    }

    /// A sentence saying what was being read and what went wrong.
    public var description: String {
        switch kind {
        case .empty:
            "The file is empty."
        case .notJPEG:
            "The file is not a JPEG: it does not start with the bytes FF D8."
        case .truncated(let offset, let reading):
            "The JPEG is cut short: it ends at byte \(offset) while reading \(reading)."
        case .badMarker(let offset, let byte):
            "The JPEG is damaged: byte \(offset) is 0x\(String(byte, radix: 16, uppercase: true)), not a marker."
        case .badSegmentLength(let offset, let length):
            "The JPEG is damaged: the segment at byte \(offset) declares an impossible length \(length)."
        case .noImageData:
            "The JPEG holds no image data: it ends before any scan."
        case .tooManySegments(let limit):
            "The JPEG has more than \(limit) segments; reading stopped."
        case .badTIFFHeader:
            "The EXIF block is damaged: it does not start with a TIFF header."
        case .outOfBounds(let offset, let length, let reading):
            "The EXIF block is damaged: \(reading) at offset \(offset) (\(length) bytes) lies outside the block."
        }
    }
}
