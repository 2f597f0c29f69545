import Foundation

/// What ``JPEGInspector`` found in a file: whether it is a whole JPEG, and its EXIF metadata.
///
/// Never thrown: a damaged file is described, not refused, so callers can decide. The relay refuses an upload
/// whose ``isComplete`` is false; the on-site check turns the same facts into warnings.
///
/// ```swift
/// let inspection = JPEGInspector.inspect(bytes)
/// guard inspection.isComplete else { throw UploadError.truncated(inspection.structureError) }
/// ```
public struct JPEGInspection: Sendable, Hashable {
    /// The file starts with the JPEG start-of-image marker and a marker after it (`FF D8 FF`), or is a
    /// prefix of those three bytes.
    public var isJPEG: Bool
    /// The marker structure was walked to an end-of-image marker (`FF D9`) after at least one scan.
    public var isComplete: Bool
    /// The number of bytes inspected.
    public var byteCount: Int
    /// The EXIF metadata, when the file has a readable APP1 "Exif" segment.
    public var exif: PhotoMetadata?
    /// Whether an APP1 "Exif" segment was present, readable or not.
    public var hasEXIFSegment: Bool
    /// Why ``isJPEG`` or ``isComplete`` is false; nil for a whole JPEG.
    public var structureError: EvidenceError?
    /// Why the EXIF block could not be read in whole or in part; nil when it was read or is absent.
    public var exifError: EvidenceError?

    /// Creates an inspection result; ``JPEGInspector`` is the usual way to get one.
    public init(
        isJPEG: Bool, isComplete: Bool, byteCount: Int, exif: PhotoMetadata? = nil, hasEXIFSegment: Bool = false,
        structureError: EvidenceError? = nil, exifError: EvidenceError? = nil
    ) {
        self.isJPEG = isJPEG
        self.isComplete = isComplete
        self.byteCount = byteCount
        self.exif = exif
        self.hasEXIFSegment = hasEXIFSegment || exif != nil
        self.structureError = structureError
        self.exifError = exifError
    }

    /// Whether the file was cut short: a JPEG start without its end.
    public var isTruncated: Bool { isJPEG && !isComplete && (structureError?.isTruncation ?? false) }
}
