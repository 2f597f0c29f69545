import Foundation
import Testing

@testable import OnSiteCore

@Suite("Vietnamese text")
struct VietnameseTextTests {
    @Test(arguments: [
        ("Điện Biên Phủ", "dien bien phu"), ("ĐẮK LẮK", "dak lak"), ("Thị trấn Tuần Giáo", "thi tran tuan giao"),
        ("Huyện Nậm Pồ", "huyen nam po"), ("Hài lòng", "hai long"), ("Mường Ảng", "muong ang"),
    ])
    func fold(text: String, folded: String) {
        #expect(VietnameseText.fold(text) == folded)
        #expect(VietnameseText.fold(text.decomposedStringWithCanonicalMapping) == folded, "NFD input")
    }

    @Test func searchIgnoresDiacriticsCaseAndForm() {
        #expect(VietnameseText.matches("Thành phố Điện Biên Phủ", query: "dien bien phu"))
        #expect(VietnameseText.matches("Thành phố Điện Biên Phủ", query: "ĐIỆN phủ"))
        #expect(VietnameseText.matches("Thành phố Điện Biên Phủ".decomposedStringWithCanonicalMapping, query: "điện biên"))
        #expect(!VietnameseText.matches("Huyện Điện Biên Đông", query: "dien bien phu"))
        #expect(VietnameseText.matches("anything", query: "  "), "an empty query matches")
    }

    @Test func normalisationIsNFC() {
        let nfd = "Phản ánh hiện trường".decomposedStringWithCanonicalMapping
        #expect(nfd.unicodeScalars.count > "Phản ánh hiện trường".unicodeScalars.count)
        let nfc = VietnameseText.normalized(nfd)
        #expect(Array(nfc.unicodeScalars) == Array("Phản ánh hiện trường".precomposedStringWithCanonicalMapping.unicodeScalars))
        #expect(VietnameseText.cleaned("  \(nfd)\n") == nfc)
    }

    @Test func slugs() {
        #expect(VietnameseText.slug("Đất đai, xây dựng") == "dat-dai-xay-dung")
        #expect(VietnameseText.slug("  Hàng hóa, dịch vụ, tiêu dùng ") == "hang-hoa-dich-vu-tieu-dung")
        #expect(VietnameseText.slug("Thành phố Điện Biên Phủ") == "thanh-pho-dien-bien-phu")
    }
}
