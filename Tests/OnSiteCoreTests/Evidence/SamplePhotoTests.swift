import Foundation
import Testing
@testable import OnSiteCore

/// The committed sample photos in `Samples/photos/`, read as the demo reads them.
@Suite("Sample photos")
struct SamplePhotoTests {
    @Test("On-site photos: position, capture time with offset, both byte orders", arguments: [
        ("dbp-site-1.jpg", 21.3865, 103.0172, "2024-04-18T02:12:30Z", TIFFByteOrder.littleEndian),
        ("dbp-site-2.jpg", 21.385, 103.016, "2024-04-19T07:05:00Z", .littleEndian),
        ("dbp-site-3-mm.jpg", 21.3868, 103.0185, "2024-04-22T01:30:00Z", .bigEndian),
    ])
    func onSite(name: String, latitude: Double, longitude: Double, time: String, order: TIFFByteOrder) throws {
        // Given a real JPEG written by ImageMagick and exiftool
        let bytes = try EvidenceFixtures.sample(name)
        // When it is inspected
        let inspection = JPEGInspector.inspect(bytes)
        // Then it is a whole JPEG with its position and time
        #expect(inspection.isJPEG && inspection.isComplete)
        #expect(inspection.structureError == nil && inspection.exifError == nil)
        let exif = try #require(inspection.exif)
        #expect(exif.byteOrder == order)
        let position = try #require(exif.position)
        #expect(abs(position.latitude - latitude) < 1e-5)
        #expect(abs(position.longitude - longitude) < 1e-5)
        #expect(exif.captureTime == EvidenceFixtures.utc(time))
        #expect(exif.captureTimeSource == .offsetTimeOriginal)
        #expect(exif.offsetTimeOriginal == "+07:00")
        #expect(bytes.count < 40_000)
    }

    @Test func sampleWithGPSTimeAgreesWithOffsetTime() throws {
        let exif = try #require(JPEGInspector.inspect(try EvidenceFixtures.sample("dbp-site-1.jpg")).exif)
        #expect(exif.gpsTimestamp == exif.captureTime)
    }

    @Test func withoutEXIF() throws {
        let inspection = JPEGInspector.inspect(try EvidenceFixtures.sample("no-exif.jpg"))
        #expect(inspection.isJPEG && inspection.isComplete)
        #expect(inspection.exif == nil && !inspection.hasEXIFSegment && inspection.exifError == nil)
    }

    @Test func withoutOffsetAssumesVietnamTime() throws {
        let exif = try #require(JPEGInspector.inspect(try EvidenceFixtures.sample("no-offset.jpg")).exif)
        #expect(exif.captureTimeSource == .assumedVietnamTime && exif.isTimeZoneAssumed)
        #expect(exif.captureTime == EvidenceFixtures.utc("2024-04-20T00:45:00Z"))
    }

    @Test func truncatedKeepsEXIFButIsIncomplete() throws {
        let whole = try EvidenceFixtures.sample("dbp-site-1.jpg")
        let bytes = try EvidenceFixtures.sample("truncated.jpg")
        #expect(bytes.count == whole.count / 2 && whole.starts(with: bytes))
        let inspection = JPEGInspector.inspect(bytes)
        #expect(inspection.isJPEG && !inspection.isComplete && inspection.isTruncated)
        #expect(inspection.structureError?.code == "jpeg.truncated")
        #expect(inspection.exif == JPEGInspector.inspect(whole).exif)
    }

    @Test("The check of each sample against the Điện Biên Phủ report", arguments: [
        ("dbp-site-1.jpg", [PhotoWarning.Code]()),
        ("dbp-site-2.jpg", []),
        ("dbp-site-3-mm.jpg", []),
        ("no-exif.jpg", [.noEXIF, .noGPS, .noCaptureTime]),
        ("far-hanoi.jpg", [.farFromSite]),
        ("predates-2023.jpg", [.predatesReport]),
        ("no-offset.jpg", [.timeZoneAssumed]),
        ("truncated.jpg", [.incomplete]),
    ])
    func check(name: String, expected: [PhotoWarning.Code]) throws {
        let inspection = JPEGInspector.inspect(try EvidenceFixtures.sample(name))
        let check = PhotoChecker().check(
            inspection, site: EvidenceFixtures.site, receivedAt: EvidenceFixtures.receivedAt
        )
        #expect(check.warningCodes == expected)
        if name.hasPrefix("dbp-site") {
            let distance = try #require(check.distanceToSite)
            #expect((40...200).contains(distance))
            #expect(check.isCapturedAfterReceipt == true)
        }
    }

    @Test func farPhotoIsAboutThreeHundredKilometresAway() throws {
        let inspection = JPEGInspector.inspect(try EvidenceFixtures.sample("far-hanoi.jpg"))
        let check = PhotoChecker().check(inspection, site: EvidenceFixtures.site, receivedAt: EvidenceFixtures.receivedAt)
        let distance = try #require(check.distanceToSite)
        #expect((280_000...320_000).contains(distance))
        #expect(check.warnings.first?.english.contains("km from the site") == true)
    }
}
