import Foundation
import OnSiteRelayProcess
import OnSiteClient
import OnSiteCore
import OnSiteSync
import Testing

/// The supervisor's commands through the real `onsite`, run from a folder outside the repository.
@Suite("End to end: the supervisor's tables, views and exports", .serialized)
struct SupervisorEndToEndTests {
    @Test("From any folder: the memo table, the overdue list, a report in Vietnam time, a page of overdue reports, and exports")
    func supervisorDay() async throws {
        // Given the memo's reports imported by the hub and pulled by a supervisor
        let seeded = try Seeded.memo()
        let supervisor = seeded.supervisor
        let memo = Seeded.memoFolder
        let elsewhere = FileManager.default.temporaryDirectory
        func onsite(_ arguments: String...) throws -> CommandResult {
            try run(Binaries.client, arguments + ["--replica", supervisor.folder.path], in: elsewhere)
        }
        let asOf = "2024-04-19T03:00:00Z"

        // When the table is printed outside the repository, with no --samples: the built-in catalogue, the memo's rows
        let table = try onsite("report", "overdue", "--as-of", asOf)
        try #require(table.status == 0, "\(table.combined)")
        #expect(table.output == (try String(contentsOf: memo.appendingPathComponent("expected-table.txt"), encoding: .utf8)))

        // And the list names each overdue report with its unit, who holds it and how late
        let list = try onsite("report", "overdue", "--list", "--as-of", asOf)
        try #require(list.status == 0, "\(list.combined)")
        #expect(list.output.hasPrefix("PAHT quá hạn bước xử lý tại 19/04/2024 10:00 (GMT+7): 123"), "\(list.output.prefix(200))")
        #expect(list.output.contains("Thành phố Điện Biên Phủ") && list.output.contains("làm việc"))
        let json = try onsite("report", "overdue", "--list", "--as-of", asOf, "--format", "json")
        let decoded = try SampleData.makeDecoder().decode(OverdueList.self, from: Data(json.output.utf8))
        #expect(decoded.entries.count == 123 && decoded.entries.allSatisfy { $0.lateWorkingSeconds >= 0 })

        // And one report reads in Vietnam time with labels, its due date and state as of the memo's day
        let code = try #require(decoded.entries.first?.code)
        let shown = try onsite("show", code, "--as-of", asOf)
        #expect(shown.output.contains("(GMT+7)") && shown.output.contains("Trạng thái:") && shown.output.contains("QUÁ HẠN"), "\(shown.output)")
        #expect(shown.output.contains("Lịch sử:") && shown.output.contains("→ Chuyển xử lý"))
        let english = try onsite("show", code, "--as-of", asOf, "--lang", "en")
        #expect(english.output.contains("Status:") && english.output.contains("OVERDUE by"), "\(english.output)")

        // And the list pages with a total, filtered to overdue reports of one district
        let page = try onsite("list", "--overdue", "--unit", "huyen-nam-po", "--as-of", asOf, "--limit", "5")
        #expect(page.output.contains("PAHT 1–5 trên tổng ") && page.output.contains("; trang sau: --page 2."), "\(page.output)")
        #expect(page.output.split(separator: "\n").filter { $0.contains("QUÁ HẠN") }.count == 5)
        let all = try onsite("list", "--limit", "1000", "--json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(all.output.utf8)) as? [String: Any])
        #expect(object["total"] as? Int == 133 && (object["reports"] as? [Any])?.count == 133)

        // And the CSV export, written from elsewhere, opens with a BOM and carries every report, no reporter data
        let csvFile = elsewhere.appendingPathComponent("onsite-e2e-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: csvFile) }
        let exported = try onsite("export", "--format", "csv", "--output", csvFile.path)
        try #require(exported.status == 0, "\(exported.combined)")
        let bytes = try Data(contentsOf: csvFile)
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let lines = String(decoding: bytes.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 134 && lines[0].hasPrefix("Mã PAHT,Tiêu đề,"))
        let geo = try onsite("export", "--format", "geojson")
        let collection = try #require(try JSONSerialization.jsonObject(with: Data(geo.output.utf8)) as? [String: Any])
        #expect(collection["type"] as? String == "FeatureCollection" && (collection["features"] as? [Any])?.count == 133)
    }
}
