import Foundation

/// The byte order a TIFF (EXIF) block declares in its header.
public enum TIFFByteOrder: String, Sendable, Hashable, Codable {
    /// `II`: Intel, little-endian.
    case littleEndian = "II"
    /// `MM`: Motorola, big-endian.
    case bigEndian = "MM"
}

/// A TIFF block (the payload of an APP1 "Exif" segment after its 6-byte signature) with bounds-checked reads.
///
/// Offsets are relative to the start of the block, as TIFF defines them. Every read checks its range
/// and throws ``EvidenceError/outOfBounds(offset:length:reading:)`` instead of trapping.
struct TIFFBlock: Sendable {
    let bytes: [UInt8]
    let byteOrder: TIFFByteOrder
    /// Offset of IFD0, from the header.
    private(set) var firstIFDOffset = 0

    /// Reads the 8-byte TIFF header: byte order, the magic number 42, and the offset of IFD0.
    init(_ bytes: [UInt8]) throws(EvidenceError) {
        guard bytes.count >= 8 else { throw .badTIFFHeader }
        switch (bytes[0], bytes[1]) {
        case (0x49, 0x49): byteOrder = .littleEndian
        case (0x4D, 0x4D): byteOrder = .bigEndian
        default: throw .badTIFFHeader
        }
        self.bytes = bytes
        guard try u16(at: 2, reading: "the TIFF magic number") == 42 else { throw .badTIFFHeader }
        firstIFDOffset = Int(try u32(at: 4, reading: "the IFD0 offset"))
    }

    /// Checks that `length` bytes at `offset` lie inside the block, without overflow.
    func checkRange(_ offset: Int, _ length: Int, reading: String) throws(EvidenceError) {
        let (end, overflow) = offset.addingReportingOverflow(length)
        guard offset >= 0, length >= 0, !overflow, end <= bytes.count else {
            throw .outOfBounds(offset: offset, length: length, reading: reading)
        }
    }

    func u8(at offset: Int, reading: String) throws(EvidenceError) -> UInt8 {
        try checkRange(offset, 1, reading: reading)
        return bytes[offset]
    }

    func u16(at offset: Int, reading: String) throws(EvidenceError) -> UInt16 {
        try checkRange(offset, 2, reading: reading)
        let a = UInt16(bytes[offset]), b = UInt16(bytes[offset + 1])
        return byteOrder == .littleEndian ? (b << 8 | a) : (a << 8 | b)
    }

    func u32(at offset: Int, reading: String) throws(EvidenceError) -> UInt32 {
        try checkRange(offset, 4, reading: reading)
        var value: UInt32 = 0
        for index in 0..<4 {
            let shift = byteOrder == .littleEndian ? index * 8 : (3 - index) * 8
            value |= UInt32(bytes[offset + index]) << UInt32(shift)
        }
        return value
    }

    /// `length` raw bytes at `offset`.
    func slice(at offset: Int, length: Int, reading: String) throws(EvidenceError) -> ArraySlice<UInt8> {
        try checkRange(offset, length, reading: reading)
        return bytes[offset..<(offset + length)]
    }
}
