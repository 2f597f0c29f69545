import Foundation

/// Reads the on-site check's EXIF tags from a TIFF block: IFD0, then the Exif IFD and the GPS IFD it points to.
///
/// Defensive by construction: every offset and count is checked against the block, at most three IFDs are
/// read and none twice (so a pointer cycle cannot loop), and a tag with an unexpected type or size is skipped.
/// A damaged IFD0 throws; a damaged Exif or GPS IFD is reported next to whatever was read.
enum EXIFReader {
    /// One 12-byte IFD entry, with the absolute offset of its value.
    struct Entry: Sendable {
        var tag: UInt16
        var type: UInt16
        var count: Int
        var valueOffset: Int
    }

    /// Tags the reader follows or keeps.
    enum Tag {
        static let exifIFD: UInt16 = 0x8769
        static let gpsIFD: UInt16 = 0x8825
        static let dateTimeOriginal: UInt16 = 0x9003
        static let offsetTimeOriginal: UInt16 = 0x9011
        static let gpsLatitudeRef: UInt16 = 0x0001
        static let gpsLatitude: UInt16 = 0x0002
        static let gpsLongitudeRef: UInt16 = 0x0003
        static let gpsLongitude: UInt16 = 0x0004
        static let gpsTimeStamp: UInt16 = 0x0007
        static let gpsDateStamp: UInt16 = 0x001D
    }

    /// The longest ASCII value kept; the tags read here are at most 20 bytes.
    static let maxASCIILength = 64

    /// Reads the tags; returns them with the first problem met in a sub-IFD, if any.
    ///
    /// - Throws: ``EvidenceError`` when the TIFF header or IFD0 cannot be read.
    static func read(_ bytes: [UInt8]) throws(EvidenceError) -> (tags: EXIFTags, issue: EvidenceError?) {
        let block = try TIFFBlock(bytes)
        var tags = EXIFTags(byteOrder: block.byteOrder)
        var visited: Set<Int> = [block.firstIFDOffset]
        var issue: EvidenceError?

        let ifd0 = try entries(in: block, at: block.firstIFDOffset, name: "IFD0")
        for (pointer, name) in [(Tag.exifIFD, "the Exif IFD"), (Tag.gpsIFD, "the GPS IFD")] {
            guard let entry = ifd0.first(where: { $0.tag == pointer }), let offset = self.pointer(entry, in: block),
                !visited.contains(offset)
            else { continue }
            visited.insert(offset)
            do {
                let sub = try entries(in: block, at: offset, name: name)
                if pointer == Tag.gpsIFD {
                    tags.hasGPSIFD = true
                    readGPS(sub, in: block, into: &tags)
                } else {
                    readExif(sub, in: block, into: &tags)
                }
            } catch {
                issue = issue ?? error
            }
        }
        return (tags, issue)
    }

    /// The entries of the IFD at `offset`; the count is bounded by the block since every entry is range-checked.
    static func entries(in block: TIFFBlock, at offset: Int, name: String) throws(EvidenceError) -> [Entry] {
        let count = Int(try block.u16(at: offset, reading: "the entry count of \(name)"))
        let (tableLength, _) = count.multipliedReportingOverflow(by: 12)
        try block.checkRange(offset + 2, tableLength, reading: "the entries of \(name)")
        var result: [Entry] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            let at = offset + 2 + index * 12
            let tag = try block.u16(at: at, reading: "an entry tag")
            let type = try block.u16(at: at + 2, reading: "an entry type")
            let valueCount = Int(try block.u32(at: at + 4, reading: "an entry count"))
            guard let size = typeSize(type) else { continue }
            let (length, overflow) = valueCount.multipliedReportingOverflow(by: size)
            guard !overflow else { continue }
            let valueOffset = length <= 4 ? at + 8 : Int(try block.u32(at: at + 8, reading: "an entry offset"))
            result.append(Entry(tag: tag, type: type, count: valueCount, valueOffset: valueOffset))
        }
        return result
    }

    /// The size in bytes of one value of a TIFF type, or nil for an unknown type.
    static func typeSize(_ type: UInt16) -> Int? {
        switch type {
        case 1, 2, 6, 7: 1  // BYTE, ASCII, SBYTE, UNDEFINED
        case 3, 8: 2  // SHORT, SSHORT
        case 4, 9, 11, 13: 4  // LONG, SLONG, FLOAT, IFD
        case 5, 10, 12: 8  // RATIONAL, SRATIONAL, DOUBLE
        default: nil
        }
    }

    /// The IFD offset an ExifIFD or GPS pointer entry holds, if it is a single LONG or IFD value.
    static func pointer(_ entry: Entry, in block: TIFFBlock) -> Int? {
        guard entry.count == 1, entry.type == 4 || entry.type == 13 else { return nil }
        return (try? block.u32(at: entry.valueOffset, reading: "an IFD pointer")).map(Int.init)
    }

    private static func readExif(_ entries: [Entry], in block: TIFFBlock, into tags: inout EXIFTags) {
        for entry in entries {
            switch entry.tag {
            case Tag.dateTimeOriginal: tags.dateTimeOriginal = ascii(entry, in: block)
            case Tag.offsetTimeOriginal: tags.offsetTimeOriginal = ascii(entry, in: block)
            default: continue
            }
        }
    }

    private static func readGPS(_ entries: [Entry], in block: TIFFBlock, into tags: inout EXIFTags) {
        for entry in entries {
            switch entry.tag {
            case Tag.gpsLatitudeRef: tags.gpsLatitudeRef = ascii(entry, in: block)
            case Tag.gpsLatitude: tags.gpsLatitude = rationals(entry, in: block)
            case Tag.gpsLongitudeRef: tags.gpsLongitudeRef = ascii(entry, in: block)
            case Tag.gpsLongitude: tags.gpsLongitude = rationals(entry, in: block)
            case Tag.gpsDateStamp: tags.gpsDateStamp = ascii(entry, in: block)
            case Tag.gpsTimeStamp: tags.gpsTimeStamp = rationals(entry, in: block)
            default: continue
            }
        }
    }

    /// An ASCII value up to its first NUL, trimmed; nil when the type, size or range is wrong.
    static func ascii(_ entry: Entry, in block: TIFFBlock) -> String? {
        guard entry.type == 2 || entry.type == 7, (1...maxASCIILength).contains(entry.count),
            let raw = try? block.slice(at: entry.valueOffset, length: entry.count, reading: "a text value")
        else { return nil }
        let text = raw.prefix { $0 != 0 }
        guard text.allSatisfy({ (0x20..<0x7F).contains($0) }) else { return nil }
        let string = String(decoding: text, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        return string.isEmpty ? nil : string
    }

    /// One to three RATIONAL (or SRATIONAL) values; nil when any denominator is zero or the range is wrong.
    static func rationals(_ entry: Entry, in block: TIFFBlock) -> [Double]? {
        guard entry.type == 5 || entry.type == 10, (1...3).contains(entry.count) else { return nil }
        var values: [Double] = []
        for index in 0..<entry.count {
            let at = entry.valueOffset + index * 8
            guard let numerator = try? block.u32(at: at, reading: "a numerator"),
                let denominator = try? block.u32(at: at + 4, reading: "a denominator"), denominator != 0
            else { return nil }
            if entry.type == 10 {
                values.append(Double(Int32(bitPattern: numerator)) / Double(Int32(bitPattern: denominator)))
            } else {
                values.append(Double(numerator) / Double(denominator))
            }
        }
        return values
    }
}
