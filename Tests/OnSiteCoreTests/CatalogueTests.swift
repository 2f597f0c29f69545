import Foundation
import Testing

@testable import OnSiteCore

@Suite("Catalogue samples")
struct CatalogueTests {
    @Test func theFourteenDakLakCategories() throws {
        let categories = try SampleData.loadCategories(from: Fixtures.samples.appending(path: "categories.json"))
        #expect(categories.count == 14)
        #expect(categories.first?.name == "An toàn giao thông" && categories.last?.name == "Bảo vệ trẻ em")
        for category in categories {
            #expect(category.code == VietnameseText.slug(category.name), "codes are the slugs of the names")
            #expect(category.name == VietnameseText.normalized(category.name))
        }
    }

    @Test func theTenDistrictsOfDienBienInTheMemosOrder() throws {
        let units = try SampleData.loadUnits(from: Fixtures.samples.appending(path: "units.json"))
        #expect(units.unit("dien-bien")?.level == .province)
        let districts = units.units(at: .district, under: "dien-bien")
        #expect(districts.count == 10 && districts.first?.code == "tp-dien-bien-phu" && districts.last?.name == "Huyện Nậm Pồ")
        #expect(units.unit("xa-thanh-nua")?.parent == "huyen-dien-bien")
        #expect(units.units.allSatisfy { $0.level == .province || units.unit($0.parent ?? "") != nil })
    }

    @Test func reportsKeepTheReportJSONShape() throws {
        let memo = Fixtures.samples.appending(path: "memo-2024-04")
        let reports = try SampleData.loadReports(from: memo.appending(path: "reports.json"))
        #expect(reports.count == 133 && Set(reports.map(\.id)).count == 133)
        let data = try SampleData.makeEncoder().encode(reports)
        #expect(try SampleData.makeDecoder().decode([Report].self, from: data) == reports)
    }

    @Test func badSampleFilesAreNamed() {
        let bad = Data(#"[{"code":"a","name":"A","level":"district","parent":"nowhere"}]"#.utf8)
        do {
            _ = try SampleData.checkedUnits(
                SampleData.decode([AdministrativeUnit].self, from: bad, fileName: "units.json"), fileName: "units.json")
            Issue.record("accepted a unit whose parent is missing")
        } catch {
            #expect(error.description.contains("units.json") && error.keyPath == "[0].parent")
        }
        do {
            _ = try SampleData.decode([Category].self, from: Data(#"[{"code":"a"}]"#.utf8), fileName: "categories.json")
            Issue.record("accepted a category without a name")
        } catch {
            #expect(error.keyPath == "[0].name")
        }
    }
}
