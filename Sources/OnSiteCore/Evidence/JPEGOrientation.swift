import Foundation

/// The EXIF orientation of a JPEG (tag 0x0112 in IFD0): how the stored pixels must be turned to be seen upright.
///
/// Only the segments before the first scan are read, so the cost does not grow with the photo: a 200 MB file
/// costs as much as a 2 MB one. Any damage, or no EXIF block, reads as ``upright``.
public enum JPEGOrientation: Int, Sendable, CaseIterable {
    case upright = 1
    case mirrored = 2
    case upsideDown = 3
    case mirroredUpsideDown = 4
    /// Mirrored, then turned 90° counter-clockwise (a transpose).
    case transposed = 5
    /// The stored picture must be turned 90° clockwise.
    case turnedClockwise = 6
    /// Mirrored, then turned 90° clockwise (a transverse).
    case transversed = 7
    /// The stored picture must be turned 90° counter-clockwise.
    case turnedCounterClockwise = 8

    /// Whether the upright picture's width is the stored height.
    public var swapsSides: Bool { rawValue >= 5 }

    static let tag: UInt16 = 0x0112
    /// Segments read before giving up: a real file has a handful before its first scan.
    static let segmentLimit = 64

    /// The orientation the photo's EXIF block declares.
    public static func of(_ bytes: UnsafeBufferPointer<UInt8>) -> JPEGOrientation {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return .upright }
        var position = 2
        for _ in 0..<segmentLimit {
            while position < bytes.count, bytes[position] == 0xFF { position += 1 }
            guard position + 2 < bytes.count else { return .upright }
            let marker = bytes[position]
            let length = Int(bytes[position + 1]) << 8 | Int(bytes[position + 2])
            let start = position + 3, end = position + 1 + length
            guard length >= 2, end <= bytes.count, marker != 0xDA, marker != 0xD9 else { return .upright }
            if marker == 0xE1, bytes[start..<end].starts(with: JPEGWalker.exifSignature) {
                return orientation(inTIFF: Array(bytes[(start + JPEGWalker.exifSignature.count)..<end]))
            }
            position = end
        }
        return .upright
    }

    /// The orientation in a TIFF block's IFD0, upright when absent or unreadable.
    static func orientation(inTIFF bytes: [UInt8]) -> JPEGOrientation {
        guard let block = try? TIFFBlock(bytes),
              let entries = try? EXIFReader.entries(in: block, at: block.firstIFDOffset, name: "IFD0"),
              let entry = entries.first(where: { $0.tag == tag }), entry.type == 3, entry.count == 1,
              let value = try? block.u16(at: entry.valueOffset, reading: "the orientation")
        else { return .upright }
        return JPEGOrientation(rawValue: Int(value)) ?? .upright
    }

    /// Where the upright picture's pixel (`x`, `y`) is in the stored picture of `width` × `height`.
    public func storedPosition(x: Int, y: Int, width: Int, height: Int) -> (x: Int, y: Int) {
        switch self {
        case .upright: (x, y)
        case .mirrored: (width - 1 - x, y)
        case .upsideDown: (width - 1 - x, height - 1 - y)
        case .mirroredUpsideDown: (x, height - 1 - y)
        case .transposed: (y, x)
        case .turnedClockwise: (y, height - 1 - x)
        case .transversed: (width - 1 - y, height - 1 - x)
        case .turnedCounterClockwise: (width - 1 - y, x)
        }
    }
}
