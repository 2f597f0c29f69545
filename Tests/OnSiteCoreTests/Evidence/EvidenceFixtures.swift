import Foundation
@testable import OnSiteCore

/// Sample photos on disk and synthetic JPEG/EXIF bytes for the evidence tests.
enum EvidenceFixtures {
    /// `Samples/photos/` of the repository, found from this file's path.
    static let samplesDirectory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent()  // Evidence
        .deletingLastPathComponent()  // OnSiteCoreTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repository
        .appendingPathComponent("Samples/photos")

    /// The bytes of a sample photo.
    static func sample(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: samplesDirectory.appendingPathComponent(name)))
    }

    /// The site of the sample reports in Điện Biên Phủ.
    static let site = GeoPoint(latitude: 21.386, longitude: 103.017)

    /// When the sample report was received: 2024-04-17 08:00 in Vietnam.
    static let receivedAt = utc("2024-04-17T01:00:00Z")

    static func utc(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text) ?? Date(timeIntervalSince1970: .nan)
    }

    // MARK: Synthetic TIFF

    /// One IFD entry to write.
    struct Field {
        enum Value {
            case ascii(String)
            case rationals([(UInt32, UInt32)])
            case long(UInt32)
            /// Type, count and the raw 4-byte value/offset field, written as is.
            case raw(type: UInt16, count: UInt32, value: UInt32)
        }
        var tag: UInt16
        var value: Value

        static func ascii(_ tag: UInt16, _ text: String) -> Self { Self(tag: tag, value: .ascii(text)) }
        static func rationals(_ tag: UInt16, _ values: [(UInt32, UInt32)]) -> Self {
            Self(tag: tag, value: .rationals(values))
        }
        static func raw(_ tag: UInt16, type: UInt16, count: UInt32, value: UInt32) -> Self {
            Self(tag: tag, value: .raw(type: type, count: count, value: value))
        }
    }

    /// The Exif fields of a photo taken at `dateTime` with `offset`.
    static func exifFields(_ dateTime: String, offset: String?) -> [Field] {
        [.ascii(0x9003, dateTime)] + (offset.map { [.ascii(0x9011, $0)] } ?? [])
    }

    /// GPS fields for a position in degrees with one decimal second, and optional UTC date/time stamps.
    static func gpsFields(
        latitude: Double, longitude: Double, date: String? = nil, time: (UInt32, UInt32, UInt32)? = nil
    ) -> [Field] {
        func dms(_ value: Double) -> [(UInt32, UInt32)] {
            let magnitude = abs(value)
            let degrees = magnitude.rounded(.down)
            let minutes = ((magnitude - degrees) * 60).rounded(.down)
            let tenths = ((magnitude - degrees - minutes / 60) * 36_000).rounded()
            return [(UInt32(degrees), 1), (UInt32(minutes), 1), (UInt32(tenths), 10)]
        }
        var fields: [Field] = [
            .ascii(0x0001, latitude >= 0 ? "N" : "S"), .rationals(0x0002, dms(latitude)),
            .ascii(0x0003, longitude >= 0 ? "E" : "W"), .rationals(0x0004, dms(longitude)),
        ]
        if let date { fields.append(.ascii(0x001D, date)) }
        if let time { fields.append(.rationals(0x0007, [(time.0, UInt32(1)), (time.1, UInt32(1)), (time.2, UInt32(1))])) }
        return fields
    }

    /// A TIFF block: header, IFD0 at 8, then the Exif IFD, the GPS IFD and the data area.
    /// Pointer entries to the Exif and GPS IFDs are added to IFD0 unless IFD0 already has them.
    static func tiff(
        _ order: TIFFByteOrder = .littleEndian, ifd0: [Field] = [], exif: [Field]? = nil, gps: [Field]? = nil
    ) -> [UInt8] {
        func ifdSize(_ count: Int) -> Int { 2 + count * 12 + 4 }
        var ifd0 = ifd0
        let hasTag = { (tag: UInt16) in ifd0.contains { $0.tag == tag } }
        let exifPointer = !hasTag(0x8769) && exif != nil
        let gpsPointer = !hasTag(0x8825) && gps != nil
        let ifd0Count = ifd0.count + (exifPointer ? 1 : 0) + (gpsPointer ? 1 : 0)
        let exifAt = 8 + ifdSize(ifd0Count)
        let gpsAt = exifAt + (exif.map { ifdSize($0.count) } ?? 0)
        let dataAt = gpsAt + (gps.map { ifdSize($0.count) } ?? 0)
        if exifPointer { ifd0.append(.raw(0x8769, type: 4, count: 1, value: UInt32(exifAt))) }
        if gpsPointer { ifd0.append(.raw(0x8825, type: 4, count: 1, value: UInt32(gpsAt))) }

        var out: [UInt8] = order == .littleEndian ? [0x49, 0x49] : [0x4D, 0x4D]
        var data: [UInt8] = []
        func u16(_ value: UInt16) -> [UInt8] {
            order == .littleEndian ? [UInt8(value & 0xFF), UInt8(value >> 8)] : [UInt8(value >> 8), UInt8(value & 0xFF)]
        }
        func u32(_ value: UInt32) -> [UInt8] {
            let le = (0..<4).map { UInt8((value >> (8 * UInt32($0))) & 0xFF) }
            return order == .littleEndian ? le : le.reversed()
        }
        func writeIFD(_ fields: [Field]) {
            out += u16(UInt16(fields.count))
            for field in fields {
                out += u16(field.tag)
                var payload: [UInt8]
                switch field.value {
                case .raw(let type, let count, let value):
                    out += u16(type) + u32(count) + u32(value)
                    continue
                case .long(let value):
                    out += u16(4) + u32(1) + u32(value)
                    continue
                case .ascii(let text):
                    payload = Array(text.utf8) + [0]
                    out += u16(2) + u32(UInt32(payload.count))
                case .rationals(let values):
                    payload = values.flatMap { u32($0.0) + u32($0.1) }
                    out += u16(5) + u32(UInt32(values.count))
                }
                if payload.count <= 4 {
                    out += payload + [UInt8](repeating: 0, count: 4 - payload.count)
                } else {
                    out += u32(UInt32(dataAt + data.count))
                    data += payload
                }
            }
            out += u32(0)
        }
        out += u16(42) + u32(8)
        writeIFD(ifd0)
        if let exif { writeIFD(exif) }
        if let gps { writeIFD(gps) }
        return out + data
    }

    // MARK: Synthetic JPEG

    /// A minimal well-formed JPEG: SOI, an optional APP1 Exif segment holding `tiff`, one scan, EOI.
    static func jpeg(tiff: [UInt8]?) -> [UInt8] {
        var out: [UInt8] = [0xFF, 0xD8]
        out += [0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]
        if let tiff {
            let payload = Array("Exif".utf8) + [0, 0] + tiff
            let length = payload.count + 2
            out += [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
        }
        out += [0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]
        out += [0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0x78, 0xFF, 0xFF, 0xD1, 0x9A]
        out += [0xFF, 0xD9]
        return out
    }

    /// A synthetic on-site photo near ``site``: Vietnam time with offset, GPS position and stamps.
    static func onSiteJPEG(_ order: TIFFByteOrder = .littleEndian) -> [UInt8] {
        jpeg(
            tiff: tiff(
                order, exif: exifFields("2024:04:18 09:12:30", offset: "+07:00"),
                gps: gpsFields(latitude: 21.3865, longitude: 103.0172, date: "2024:04:18", time: (2, 12, 30))
            )
        )
    }
}
