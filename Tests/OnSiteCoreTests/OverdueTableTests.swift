import Foundation
import Testing

@testable import OnSiteCore

/// The table of the Điện Biên memo (April 2024), row by row as printed.
private let memoRows: [(String, Int, Int, Int, String)] = [
    ("Thành phố Điện Biên Phủ", 58, 2, 56, "96,6%"),
    ("Huyện Điện Biên", 16, 0, 16, "100%"),
    ("Huyện Điện Biên Đông", 0, 0, 0, "0%"),
    ("Huyện Mường Ảng", 8, 0, 8, "100%"),
    ("Huyện Tuần Giáo", 6, 0, 6, "100%"),
    ("Huyện Tủa Chùa", 5, 3, 2, "40%"),
    ("Huyện Mường Chà", 6, 0, 6, "100%"),
    ("Thị Xã Mường Lay", 1, 1, 0, "0%"),
    ("Huyện Mường Nhé", 10, 0, 10, "100%"),
    ("Huyện Nậm Pồ", 20, 1, 19, "95%"),
]

@Suite("Overdue table")
struct OverdueTableTests {
    static let asOf = Date(timeIntervalSince1970: 1_713_495_600)  // 2024-04-19T03:00:00Z, 10:00 in Điện Biên
    let reports: [Report]
    let events: [Event]
    let units: UnitDirectory
    let categories: [Category]
    let evaluator: DeadlineEvaluator

    init() throws {
        let memo = Fixtures.samples.appending(path: "memo-2024-04")
        reports = try SampleData.loadReports(from: memo.appending(path: "reports.json"))
        events = try SampleData.loadEvents(from: memo.appending(path: "events.json"))
        units = try SampleData.loadUnits(from: Fixtures.samples.appending(path: "units.json"))
        categories = try SampleData.loadCategories(from: Fixtures.samples.appending(path: "categories.json"))
        evaluator = try Fixtures.rules("dien-bien").evaluator
    }

    func table(_ grouping: OverdueGrouping = .district, from: Date? = nil, to: Date? = nil) -> OverdueTable {
        OverdueReport.make(
            reports: reports, events: events, evaluator: evaluator, units: units, categories: categories,
            grouping: grouping, asOf: Self.asOf, from: from, to: to)
    }

    @Test func theMemoSamplesReproduceTheMemoRowByRow() {
        let table = table()
        #expect(table.rows.count == memoRows.count)
        for (row, memo) in zip(table.rows, memoRows) {
            #expect(row.name == memo.0)
            #expect([row.total, row.resolved, row.overdue] as [Int] == [memo.1, memo.2, memo.3], "\(memo.0)")
            #expect(ReportLanguage.vietnamese.percent(row.overdueRate) == memo.4, "\(memo.0)")
        }
        // The memo's prose: 130 forwarded, 07 resolved, 123 not resolved.
        #expect([table.totals.total, table.totals.resolved, table.totals.overdue] as [Int] == [130, 7, 123])
    }

    @Test func theRenderedTableIsTheExpectedFile() throws {
        let expected = try String(
            contentsOf: Fixtures.samples.appending(path: "memo-2024-04/expected-table.txt"), encoding: .utf8)
        #expect(table().rendered() == expected)
        let english = try String(
            contentsOf: Fixtures.samples.appending(path: "memo-2024-04/expected-table.en.txt"), encoding: .utf8)
        #expect(table().rendered(language: .english) == english)
    }

    @Test func englishCsvAndJson() throws {
        let english = table().rendered(language: .english)
        #expect(english.hasPrefix("No. | District"))
        #expect(english.contains("96.6%") && english.contains("| Total "))
        let csv = table().rendered(as: .csv).split(separator: "\r\n")
        #expect(csv.first.map(String.init) == "Stt,Cấp huyện,Tổng PAHT,Đã giải quyết,Quá hạn giải quyết,Tỷ lệ PAHT quá hạn giải quyết")
        #expect(String(csv[1]) == "1,Thành phố Điện Biên Phủ,58,2,56,96.6")
        #expect(csv.contains(",Tổng cộng,130,7,123,94.6"))
        // The footnote follows the totals: the 3 reports never forwarded are accounted for, not dropped
        #expect(csv.last.map(String.init) == ",3 PAHT chưa đến bước xử lý tại thời điểm lập bảng: không thuộc bảng.,,,,")
        let json = Data(table().rendered(as: .json).utf8)
        let decoded = try SampleData.makeDecoder().decode(OverdueTable.self, from: json)
        #expect(decoded == table())
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let totals = try #require(object["totals"] as? [String: Any])
        #expect(totals["overdue"] as? Int == 123 && object["as_of"] as? String == "2024-04-19T03:00:00Z")
    }

    @Test func eventsAfterTheInstantAreIgnored() {
        // Two weeks after the first reports arrived, none of them were late yet.
        let early = OverdueReport.make(
            reports: reports, events: events, evaluator: evaluator, units: units,
            asOf: Date(timeIntervalSince1970: 1_704_326_400))  // 2024-01-04T00:00:00Z
        #expect(early.totals.overdue == 0)
        #expect(early.totals.total < 130)
    }

    @Test func dateRangeAndOtherGroupings() {
        let march = table(from: Fixtures.vn("2024-03-01 00:00"), to: Fixtures.vn("2024-04-01 00:00"))
        let inMarch = reports.filter {
            $0.receivedAt >= Fixtures.vn("2024-03-01 00:00") && $0.receivedAt < Fixtures.vn("2024-04-01 00:00")
                && $0.assignedUnit != nil
        }
        #expect(march.totals.total == inMarch.count && march.totals.total > 0)
        let byCategory = table(.category)
        #expect(byCategory.rows.count == 14 && byCategory.totals.total == 130)
        #expect(byCategory.rendered().contains("Lĩnh vực"))
        let byCommune = table(.commune)
        #expect(byCommune.totals.total == 130)
        #expect(byCommune.rows.contains { $0.name == "Xã Thanh Nưa" && $0.total > 0 })
        #expect(byCommune.rows.last?.name == "—", "reports without a commune get their own row")
    }

    @Test(arguments: [
        (0.96551, "96,6%", "96.6%"), (1.0, "100%", "100%"), (0.0, "0%", "0%"), (0.4, "40%", "40%"),
        (0.94615, "94,6%", "94.6%"), (0.0005, "0,1%", "0.1%"), (12.345, "1.234,5%", "1,234.5%"),
    ])
    func percentFormat(fraction: Double, vietnamese: String, english: String) {
        #expect(ReportLanguage.vietnamese.percent(fraction) == vietnamese)
        #expect(ReportLanguage.english.percent(fraction) == english)
    }

    @Test func integerFormat() {
        #expect(ReportLanguage.vietnamese.integer(1_234_567) == "1.234.567")
        #expect(ReportLanguage.english.integer(1_234_567) == "1,234,567")
        #expect(ReportLanguage.vietnamese.integer(130) == "130" && ReportLanguage.vietnamese.integer(-1000) == "-1.000")
    }
}
