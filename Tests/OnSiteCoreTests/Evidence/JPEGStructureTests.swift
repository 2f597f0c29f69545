import Foundation
import Testing
@testable import OnSiteCore

/// The marker walk: what is a whole JPEG, what is not, and what is cut short.
@Suite("JPEG structure")
struct JPEGStructureTests {
    @Test func wholeSyntheticJPEG() {
        let inspection = JPEGInspector.inspect(EvidenceFixtures.jpeg(tiff: nil))
        #expect(inspection.isJPEG && inspection.isComplete && inspection.structureError == nil)
        #expect(inspection.exif == nil)
    }

    @Test func everyInputShapeGivesTheSameAnswer() {
        // Given the same file as an array, a Data, slices not starting at zero, and a non-contiguous collection
        let bytes = EvidenceFixtures.onSiteJPEG()
        let padded = [0x00, 0x00, 0x00] + bytes
        let expected = JPEGInspector.inspect(bytes)
        #expect(expected.isComplete && expected.exif?.position != nil)
        // Then every shape reads the same
        #expect(JPEGInspector.inspect(Data(bytes)) == expected)
        #expect(JPEGInspector.inspect(Data(padded).dropFirst(3)) == expected)
        #expect(JPEGInspector.inspect(padded[3...]) == expected)
        #expect(JPEGInspector.inspect(bytes.lazy.map { $0 }) == expected)
    }

    @Test func emptyAndForeignFiles() {
        #expect(JPEGInspector.inspect([UInt8]()).structureError == .empty)
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0]
        let inspection = JPEGInspector.inspect(png)
        #expect(!inspection.isJPEG && !inspection.isComplete && inspection.structureError == .notJPEG)
        #expect(!JPEGInspector.inspect(Data("hello".utf8)).isJPEG)
    }

    @Test func everyPrefixIsIncompleteAndNoneTraps() {
        // Given a whole synthetic JPEG with EXIF
        let whole = EvidenceFixtures.onSiteJPEG()
        let exif = JPEGInspector.inspect(whole).exif
        for length in 0..<whole.count {
            // When only its first `length` bytes arrive
            let inspection = JPEGInspector.inspect(whole[0..<length])
            // Then it is never complete, a JPEG from the first byte, and its EXIF is whole or absent
            #expect(!inspection.isComplete, "prefix \(length)")
            #expect(inspection.isJPEG == (length > 0), "prefix \(length)")
            #expect(inspection.exif == nil || inspection.exif == exif, "prefix \(length)")
        }
    }

    @Test func stopsAtEOIAndIgnoresTrailingBytes() {
        let inspection = JPEGInspector.inspect(EvidenceFixtures.jpeg(tiff: nil) + [0x00, 0x11, 0x22])
        #expect(inspection.isComplete)
    }

    @Test func eoiBeforeAnyScanHasNoImage() {
        let inspection = JPEGInspector.inspect([0xFF, 0xD8, 0xFF, 0xD9])
        #expect(inspection.isJPEG && !inspection.isComplete && inspection.structureError == .noImageData)
    }

    @Test func fillBytesBeforeAMarkerAreSkipped() {
        var bytes = EvidenceFixtures.jpeg(tiff: nil)
        bytes.insert(contentsOf: [0xFF, 0xFF, 0xFF], at: 2)
        #expect(JPEGInspector.inspect(bytes).isComplete)
    }

    @Test func segmentLengthBelowTwoIsRefused() {
        let bytes: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01, 0xFF, 0xD9]
        #expect(JPEGInspector.inspect(bytes).structureError?.code == "jpeg.bad_segment_length")
    }

    @Test func segmentLongerThanTheFileIsTruncation() {
        let bytes: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 0x45, 0x78]
        let inspection = JPEGInspector.inspect(bytes)
        #expect(inspection.isTruncated)
        #expect(inspection.structureError?.description.contains("FFE1") == true)
    }

    @Test func garbageWhereAMarkerBelongs() {
        var bytes = EvidenceFixtures.jpeg(tiff: nil)
        bytes[20] = 0x42  // first byte after the APP0 segment
        let error = JPEGInspector.inspect(bytes).structureError
        #expect(error == .badMarker(offset: 20, byte: 0x42))
        #expect(error?.description.contains("0x42") == true)
    }

    @Test func manyTinySegmentsAreCapped() {
        var bytes: [UInt8] = [0xFF, 0xD8]
        for _ in 0...JPEGInspector.segmentLimit { bytes += [0xFF, 0xFE, 0x00, 0x02] }
        bytes += [0xFF, 0xD9]
        #expect(JPEGInspector.inspect(bytes).structureError == .tooManySegments(limit: JPEGInspector.segmentLimit))
    }

    @Test func errorsHaveStableCodesAndSentences() {
        let errors: [EvidenceError] = [
            .empty, .notJPEG, .truncated(offset: 3, reading: "x"), .badMarker(offset: 1, byte: 2),
            .badSegmentLength(offset: 1, length: 0), .noImageData, .tooManySegments(limit: 1), .badTIFFHeader,
            .outOfBounds(offset: 9, length: 4, reading: "y"),
        ]
        #expect(Set(errors.map(\.code)).count == errors.count)
        #expect(errors.allSatisfy { $0.description.hasSuffix(".") })
    }
}
