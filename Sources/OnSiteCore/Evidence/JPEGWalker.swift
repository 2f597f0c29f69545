import Foundation

/// The marker walk behind ``JPEGInspector``: a cursor over the bytes that only moves forward.
///
/// Each loop step consumes at least one byte, so the walk is linear in the input and ends on any input.
/// It reads the caller's buffer in place and never outlives the call that made it; only the EXIF segment
/// (at most 64 KB) is copied out.
struct JPEGWalker {
    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var exifSegment: [UInt8]?
    private var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Walks the file; `error` is nil only for a whole JPEG.
    mutating func run() -> (isJPEG: Bool, error: EvidenceError?) {
        guard !bytes.isEmpty else { return (false, .empty) }
        guard bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF else {
            if bytes.count < 3, bytes.starts(with: [0xFF, 0xD8].prefix(bytes.count)) {
                return (true, .truncated(offset: bytes.count, reading: "the first marker"))
            }
            return (false, .notJPEG)
        }
        position = 2
        do throws(EvidenceError) {
            try walkSegments()
            return (true, nil)
        } catch {
            return (true, error)
        }
    }

    private mutating func walkSegments() throws(EvidenceError) {
        var sawScan = false
        for _ in 0..<JPEGInspector.segmentLimit {
            let marker = try nextMarker()
            switch marker {
            case 0xD9:  // EOI
                guard sawScan else { throw .noImageData }
                return
            case 0x01, 0xD0...0xD7:  // TEM, RSTn: no length
                continue
            case 0xD8:  // a second SOI
                throw .badMarker(offset: position - 1, byte: marker)
            default:
                let segment = try segmentPayload(marker)
                if marker == 0xE1, exifSegment == nil, segment.starts(with: Self.exifSignature) {
                    exifSegment = Array(segment.dropFirst(Self.exifSignature.count))
                }
                if marker == 0xDA {  // SOS: entropy-coded data follows
                    sawScan = true
                    try skipEntropyData()
                }
            }
        }
        throw .tooManySegments(limit: JPEGInspector.segmentLimit)
    }

    static let exifSignature: [UInt8] = Array("Exif".utf8) + [0, 0]

    /// Reads `FF`, any `FF` fill bytes, and the marker code after them.
    private mutating func nextMarker() throws(EvidenceError) -> UInt8 {
        guard position < bytes.count else { throw .truncated(offset: position, reading: "the next marker") }
        guard bytes[position] == 0xFF else { throw .badMarker(offset: position, byte: bytes[position]) }
        while position < bytes.count, bytes[position] == 0xFF { position += 1 }
        guard position < bytes.count else { throw .truncated(offset: position, reading: "a marker code") }
        let marker = bytes[position]
        position += 1
        guard marker != 0x00 else { throw .badMarker(offset: position - 1, byte: marker) }
        return marker
    }

    /// The payload of the segment whose length field is at the cursor; moves the cursor past it.
    private mutating func segmentPayload(_ marker: UInt8) throws(EvidenceError) -> Slice<UnsafeBufferPointer<UInt8>> {
        let start = position
        guard start + 2 <= bytes.count else {
            throw .truncated(offset: bytes.count, reading: "the length of segment FF\(Self.hex(marker))")
        }
        let length = Int(bytes[start]) << 8 | Int(bytes[start + 1])
        guard length >= 2 else { throw .badSegmentLength(offset: start, length: length) }
        guard start + length <= bytes.count else {
            throw .truncated(offset: bytes.count, reading: "segment FF\(Self.hex(marker)) of \(length) bytes")
        }
        position = start + length
        return bytes[(start + 2)..<(start + length)]
    }

    /// Moves the cursor to the first marker after entropy-coded data: `FF` followed by neither `00` nor `RSTn`.
    private mutating func skipEntropyData() throws(EvidenceError) {
        var index = position
        while index + 1 < bytes.count {
            if bytes[index] == 0xFF {
                let next = bytes[index + 1]
                if next != 0x00, !(0xD0...0xD7).contains(next), next != 0xFF {
                    position = index
                    return
                }
                index += next == 0xFF ? 1 : 2
            } else {
                index += 1
            }
        }
        throw .truncated(offset: bytes.count, reading: "the image data")
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }
}
