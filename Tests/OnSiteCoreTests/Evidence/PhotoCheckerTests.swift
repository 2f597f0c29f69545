import Foundation
import Testing
@testable import OnSiteCore

/// The on-site check: distance, time, and the warnings it gives (never refusals).
@Suite("Photo check")
struct PhotoCheckerTests {
    let site = EvidenceFixtures.site
    let receivedAt = EvidenceFixtures.receivedAt

    func metadata(at position: GeoPoint?, time: String?, source: PhotoMetadata.CaptureTimeSource = .offsetTimeOriginal)
        -> PhotoMetadata
    {
        PhotoMetadata(captureTime: time.map(EvidenceFixtures.utc), captureTimeSource: source, position: position)
    }

    @Test func onSiteAfterReceiptHasNoWarnings() throws {
        let check = PhotoChecker().check(
            metadata(at: GeoPoint(latitude: 21.3865, longitude: 103.0172), time: "2024-04-18T02:12:30Z"),
            site: site, receivedAt: receivedAt
        )
        #expect(check.warnings.isEmpty && !check.hasWarnings)
        #expect(check.isCapturedAfterReceipt == true)
        let distance = try #require(check.distanceToSite)
        #expect((50...70).contains(distance))
        #expect(check.captureTimeSource == .offsetTimeOriginal)
    }

    @Test func farThresholdIsConfigurable() throws {
        let photo = metadata(at: GeoPoint(latitude: 21.39, longitude: 103.017), time: "2024-04-18T02:00:00Z")
        #expect(PhotoChecker().check(photo, site: site, receivedAt: receivedAt).warnings.isEmpty)
        let strict = PhotoChecker(configuration: .init(farThreshold: 300))
        let check = strict.check(photo, site: site, receivedAt: receivedAt)
        #expect(check.warningCodes == [.farFromSite])
        let warning = try #require(check.warnings.first)
        #expect(warning.threshold == 300 && (440...450).contains(warning.distance ?? 0))
        #expect(warning.vietnamese == "Ảnh được chụp cách hiện trường 445 m, xa hơn ngưỡng 300 m.")
        #expect(warning.english == "The photo was taken 445 m from the site, beyond the 300 m threshold.")
    }

    @Test func predatesWithToleranceForCameraClocks() {
        let photo = metadata(at: site, time: "2024-04-17T00:58:00Z")  // two minutes before receipt
        let exact = PhotoChecker().check(photo, site: site, receivedAt: receivedAt)
        #expect(exact.warningCodes == [.predatesReport] && exact.isCapturedAfterReceipt == false)
        let lenient = PhotoChecker(configuration: .init(receiptTolerance: 300)).check(photo, site: site, receivedAt: receivedAt)
        #expect(lenient.warnings.isEmpty && lenient.isCapturedAfterReceipt == false)
    }

    @Test func captureAtTheMomentOfReceiptCountsAsAfter() {
        let check = PhotoChecker().check(metadata(at: site, time: "2024-04-17T01:00:00Z"), site: site, receivedAt: receivedAt)
        #expect(check.isCapturedAfterReceipt == true && check.warnings.isEmpty)
    }

    @Test func missingFacts() {
        let checker = PhotoChecker()
        #expect(checker.check(nil, site: site, receivedAt: receivedAt).warningCodes == [.noEXIF, .noGPS, .noCaptureTime])
        let empty = checker.check(metadata(at: nil, time: nil), site: site, receivedAt: receivedAt)
        #expect(empty.warningCodes == [.noGPS, .noCaptureTime])
        #expect(empty.distanceToSite == nil && empty.isCapturedAfterReceipt == nil)
        let noSite = checker.check(metadata(at: site, time: "2024-04-18T00:00:00Z"), site: nil, receivedAt: receivedAt)
        #expect(noSite.warningCodes == [.siteUnknown] && noSite.distanceToSite == nil)
    }

    @Test func assumedTimeZoneIsFlaggedUnlessTurnedOff() {
        let photo = metadata(at: site, time: "2024-04-18T00:00:00Z", source: .assumedVietnamTime)
        #expect(PhotoChecker().check(photo, site: site, receivedAt: receivedAt).warningCodes == [.timeZoneAssumed])
        let quiet = PhotoChecker(configuration: .init(warnsAboutAssumedTimeZone: false))
        #expect(quiet.check(photo, site: site, receivedAt: receivedAt).warnings.isEmpty)
    }

    @Test func fileProblemsComeFirst() {
        let checker = PhotoChecker()
        let notJPEG = checker.check(JPEGInspector.inspect(Data("%PDF-1.7".utf8)), site: site, receivedAt: receivedAt)
        #expect(notJPEG.warningCodes == [.notJPEG])
        let bad = JPEGInspector.inspect(EvidenceFixtures.jpeg(tiff: Array("XX*\0".utf8)))
        #expect(checker.check(bad, site: site, receivedAt: receivedAt).warningCodes == [.unreadableEXIF, .noGPS, .noCaptureTime])
        let whole = EvidenceFixtures.onSiteJPEG()
        let cut = JPEGInspector.inspect(whole.dropLast(4))
        #expect(checker.check(cut, site: site, receivedAt: receivedAt).warningCodes == [.incomplete])
    }

    @Test func checkAgainstAReport() {
        let report = Report(
            id: "r1", code: "DB-2024-00017", title: "Đèn đường hỏng", description: "", category: "ha-tang",
            location: site, address: "Phường Him Lam, TP Điện Biên Phủ",
            area: AdministrativeArea(province: "11", district: "094"), reporter: Reporter(), receivedAt: receivedAt
        )
        let check = PhotoChecker().check(JPEGInspector.inspect(EvidenceFixtures.onSiteJPEG(.bigEndian)), against: report)
        #expect(check.warnings.isEmpty && check.isCapturedAfterReceipt == true)
    }

    @Test func everyCodeHasBothSentencesAndStableRawValues() {
        for code in PhotoWarning.Code.allCases {
            let warning = PhotoWarning(code, distance: 1_234, threshold: 500)
            #expect(!warning.vietnamese.isEmpty && !warning.english.isEmpty && warning.vietnamese != warning.english)
            #expect(code.rawValue.hasPrefix("photo."))
        }
        #expect(PhotoWarning(.farFromSite, distance: 296_412, threshold: 500).english.contains("296.4 km"))
    }
}
