import Foundation
import Testing
@testable import OnSiteCore

/// The TIFF/IFD reader, on synthetic EXIF blocks built byte by byte.
@Suite("EXIF reader")
struct EXIFReaderTests {
    typealias Field = EvidenceFixtures.Field

    @Test("Both byte orders read the same facts", arguments: [TIFFByteOrder.littleEndian, .bigEndian])
    func byteOrders(order: TIFFByteOrder) throws {
        let exif = try #require(JPEGInspector.inspect(EvidenceFixtures.onSiteJPEG(order)).exif)
        #expect(exif.byteOrder == order)
        let position = try #require(exif.position)
        #expect(abs(position.latitude - 21.3865) < 1e-4 && abs(position.longitude - 103.0172) < 1e-4)
        #expect(exif.captureTime == EvidenceFixtures.utc("2024-04-18T02:12:30Z"))
        #expect(exif.gpsTimestamp == exif.captureTime)
        #expect(exif.dateTimeOriginal == "2024:04:18 09:12:30")
    }

    @Test func southAndWestAreNegative() throws {
        let tiff = EvidenceFixtures.tiff(gps: EvidenceFixtures.gpsFields(latitude: -33.8568, longitude: -70.6483))
        let position = try #require(JPEGInspector.inspect(EvidenceFixtures.jpeg(tiff: tiff)).exif?.position)
        #expect(position.latitude < -33.85 && position.longitude < -70.64)
    }

    @Test func missingOrBadRefGivesNoPosition() throws {
        var gps = EvidenceFixtures.gpsFields(latitude: 21.3865, longitude: 103.0172)
        gps[0] = .ascii(0x0001, "X")
        let exif = try #require(JPEGInspector.inspect(EvidenceFixtures.jpeg(tiff: EvidenceFixtures.tiff(gps: gps))).exif)
        #expect(exif.position == nil)
        gps.remove(at: 0)
        #expect(JPEGInspector.inspect(EvidenceFixtures.jpeg(tiff: EvidenceFixtures.tiff(gps: gps))).exif?.position == nil)
    }

    @Test func zeroDenominatorAndOutOfRangeDegreesGiveNoPosition() {
        let zero: [Field] = [
            .ascii(1, "N"), .rationals(2, [(21, 0), (0, 1), (0, 1)]), .ascii(3, "E"), .rationals(4, [(103, 1)]),
        ]
        let huge: [Field] = [.ascii(1, "N"), .rationals(2, [(95, 1)]), .ascii(3, "E"), .rationals(4, [(103, 1)])]
        for gps in [zero, huge] {
            #expect(JPEGInspector.inspect(EvidenceFixtures.jpeg(tiff: EvidenceFixtures.tiff(gps: gps))).exif?.position == nil)
        }
    }

    @Test func gpsTimeIsUsedWhenThereIsNoOffset() throws {
        let tiff = EvidenceFixtures.tiff(
            exif: EvidenceFixtures.exifFields("2024:04:18 09:12:30", offset: nil),
            gps: EvidenceFixtures.gpsFields(latitude: 21.3865, longitude: 103.0172, date: "2024:04:18", time: (2, 12, 31))
        )
        let exif = try #require(JPEGInspector.inspect(EvidenceFixtures.jpeg(tiff: tiff)).exif)
        #expect(exif.captureTimeSource == .gpsTimestamp)
        #expect(exif.captureTime == EvidenceFixtures.utc("2024-04-18T02:12:31Z"))
    }

    @Test func otherOffsetsAreHonoured() throws {
        let tiff = EvidenceFixtures.tiff(exif: EvidenceFixtures.exifFields("2024:04:18 09:12:30", offset: "-05:30"))
        let exif = try #require(JPEGInspector.inspect(EvidenceFixtures.jpeg(tiff: tiff)).exif)
        #expect(exif.captureTime == EvidenceFixtures.utc("2024-04-18T14:42:30Z"))
        #expect(exif.position == nil)
    }

    @Test func blankDateTimeGivesNoCaptureTime() throws {
        let tiff = EvidenceFixtures.tiff(exif: EvidenceFixtures.exifFields("    :  :     :  :  ", offset: "+07:00"))
        let exif = try #require(JPEGInspector.inspect(EvidenceFixtures.jpeg(tiff: tiff)).exif)
        #expect(exif.captureTime == nil && exif.captureTimeSource == nil)
    }

    @Test func ifdPointerCyclesEnd() throws {
        // Given an Exif IFD pointer back to IFD0 and a GPS IFD pointer to the Exif one
        let tiff = EvidenceFixtures.tiff(ifd0: [
            .raw(0x8769, type: 4, count: 1, value: 8), .raw(0x8825, type: 4, count: 1, value: 8),
        ])
        // Then reading ends, with nothing found
        let inspection = JPEGInspector.inspect(EvidenceFixtures.jpeg(tiff: tiff))
        let exif = try #require(inspection.exif)
        #expect(exif.position == nil && exif.captureTime == nil && inspection.exifError == nil)
    }

    @Test func exifAndGPSPointingToTheSameIFDIsReadOnce() throws {
        // Given IFD0 with two entries whose Exif and GPS pointers both lead to the IFD at 8 + 2 + 24 + 4 = 38
        let tiff = EvidenceFixtures.tiff(
            ifd0: [.raw(0x8769, type: 4, count: 1, value: 38), .raw(0x8825, type: 4, count: 1, value: 38)],
            exif: EvidenceFixtures.exifFields("2024:04:18 09:12:30", offset: "+07:00")
        )
        // Then it is read once, as the Exif IFD
        let inspection = JPEGInspector.inspect(EvidenceFixtures.jpeg(tiff: tiff))
        #expect(inspection.exif?.captureTime == EvidenceFixtures.utc("2024-04-18T02:12:30Z"))
        #expect(inspection.exif?.position == nil && inspection.exifError == nil)
    }

    @Test("Huge counts and offsets are skipped or reported, never followed", arguments: [
        Field.raw(0x8769, type: 4, count: 1, value: 0xFFFF_FFFF),
        Field.raw(0x8769, type: 4, count: 0xFFFF_FFFF, value: 26),
        Field.raw(0x8825, type: 13, count: 1, value: 0x7FFF_FFFF),
        Field.raw(0x8825, type: 4, count: 1, value: 25),
    ])
    func hugeValuesInIFD0(field: Field) throws {
        let inspection = JPEGInspector.inspect(EvidenceFixtures.jpeg(tiff: EvidenceFixtures.tiff(ifd0: [field])))
        #expect(inspection.isComplete)
        let exif = try #require(inspection.exif)
        #expect(exif.position == nil && exif.captureTime == nil)
    }

    @Test func hugeValueCountsInsideTheGPSIFDAreSkipped() throws {
        let gps: [Field] = [
            .ascii(1, "N"), .raw(2, type: 5, count: 0xFFFF_FFFF, value: 0xFFFF_FFF0),
            .raw(3, type: 2, count: 0x4000_0000, value: 16), .raw(4, type: 5, count: 3, value: 0xFFFF_FFFC),
            .raw(0x1D, type: 0xFFFF, count: 0xFFFF_FFFF, value: 0),
        ]
        let inspection = JPEGInspector.inspect(EvidenceFixtures.jpeg(tiff: EvidenceFixtures.tiff(gps: gps)))
        #expect(inspection.exif?.position == nil && inspection.exifError == nil)
    }

    @Test func subIFDOutOfBoundsIsReportedNextToWhatWasRead() throws {
        let tiff = EvidenceFixtures.tiff(
            ifd0: [.raw(0x8825, type: 4, count: 1, value: 60_000)],
            exif: EvidenceFixtures.exifFields("2024:04:18 09:12:30", offset: "+07:00")
        )
        let inspection = JPEGInspector.inspect(EvidenceFixtures.jpeg(tiff: tiff))
        #expect(inspection.exif?.captureTime != nil)
        #expect(inspection.exifError?.code == "exif.out_of_bounds")
    }

    @Test func badTIFFHeaderAndIFD0OutOfBounds() {
        let bad = EvidenceFixtures.jpeg(tiff: Array("XX*\0\u{8}\0\0\0".utf8))
        #expect(JPEGInspector.inspect(bad).exifError == .badTIFFHeader)
        var far = EvidenceFixtures.tiff()
        far[4] = 0xF0  // IFD0 at 0xF0 + 8
        let inspection = JPEGInspector.inspect(EvidenceFixtures.jpeg(tiff: far))
        #expect(inspection.hasEXIFSegment && inspection.exif == nil && inspection.exifError?.code == "exif.out_of_bounds")
        #expect(inspection.isComplete)
    }
}
