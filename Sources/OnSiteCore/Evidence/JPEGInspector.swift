import Foundation

/// Walks a JPEG's marker structure and reads its EXIF block, without any library and without ever trapping.
///
/// The walk checks the start-of-image marker, follows each segment by its declared length (checked against
/// the input), skips the entropy-coded data after each start-of-scan, and requires an end-of-image marker after
/// a scan. The first APP1 segment that starts with `Exif\0\0` is handed to the EXIF reader. Every step moves
/// forward, so the work is linear in the input; the segment count is capped as well.
///
/// ```swift
/// let inspection = JPEGInspector.inspect(try Data(contentsOf: url))
/// inspection.isComplete            // false for a truncated upload
/// inspection.exif?.position        // GeoPoint(latitude: 21.386, longitude: 103.017)
/// ```
public enum JPEGInspector {
    /// More segments than this is not a photo; the walk stops with ``EvidenceError/tooManySegments(limit:)``.
    public static let segmentLimit = 10_000

    /// Inspects the bytes of a file believed to be a JPEG.
    ///
    /// - Parameter bytes: the whole file.
    /// - Returns: the facts found; never throws, never traps, whatever the input.
    public static func inspect(_ bytes: [UInt8]) -> JPEGInspection {
        bytes.withUnsafeBufferPointer(inspect(buffer:))
    }

    /// Inspects the bytes of a file believed to be a JPEG, without copying them.
    public static func inspect(_ data: Data) -> JPEGInspection {
        data.withUnsafeBytes { inspect(buffer: $0.bindMemory(to: UInt8.self)) }
    }

    /// Inspects any collection of bytes, e.g. an `ArraySlice` or a `ByteBuffer` view; contiguous storage
    /// is read in place, anything else is copied once.
    public static func inspect(_ bytes: some Collection<UInt8>) -> JPEGInspection {
        bytes.withContiguousStorageIfAvailable(inspect(buffer:)) ?? inspect([UInt8](bytes))
    }

    /// Inspects bytes in memory the caller keeps alive for the duration of the call.
    public static func inspect(buffer: UnsafeBufferPointer<UInt8>) -> JPEGInspection {
        var walker = JPEGWalker(bytes: buffer)
        let outcome = walker.run()
        var inspection = JPEGInspection(
            isJPEG: outcome.isJPEG, isComplete: outcome.error == nil, byteCount: buffer.count,
            hasEXIFSegment: walker.exifSegment != nil, structureError: outcome.error
        )
        if let segment = walker.exifSegment {
            do throws(EvidenceError) {
                let (tags, issue) = try EXIFReader.read(segment)
                inspection.exif = PhotoMetadata(tags: tags)
                inspection.exifError = issue
            } catch {
                inspection.exifError = error
            }
        }
        return inspection
    }
}
