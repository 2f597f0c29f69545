import Foundation
import Testing

@testable import OnSiteCore

@Suite("Policy files")
struct PolicyFileTests {
    let holidays: HolidayTable

    init() throws {
        holidays = try PolicyFile.decodeHolidays(
            Data(contentsOf: Fixtures.samples.appending(path: "calendars/vietnam.json")), fileName: "vietnam.json")
    }

    @Test func theSampleFilesLoad() throws {
        for province in ["thai-nguyen", "dien-bien", "da-lat"] {
            let rules = try Fixtures.rules(province)
            #expect(rules.policy.province == province)
            #expect(rules.calendar.timeZone.identifier == "Asia/Ho_Chi_Minh")
        }
        // 2024–2026 each list Tết and Giỗ Tổ Hùng Vương.
        for year in [2024, 2025, 2026] {
            let names = holidays.years.first { $0.year == year }?.daysOff.map(\.name) ?? []
            #expect(names.contains { $0.hasPrefix("Tết Nguyên Đán") } && names.contains { $0.hasPrefix("Giỗ Tổ") })
        }
        #expect(holidays.dayOff(on: LocalDate("2025-01-29")!)?.name == "Tết Nguyên Đán Ất Tỵ (mùng 1)")
        #expect(holidays.workingDay(on: LocalDate("2024-05-04")!) != nil)
    }

    private func province(_ mutate: (inout [String: Any]) -> Void) throws -> Data {
        let url = Fixtures.samples.appending(path: "policies/dien-bien.json")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        mutate(&object)
        return try JSONSerialization.data(withJSONObject: object)
    }

    private func error(_ data: Data) -> DataFileError? {
        do {
            _ = try PolicyFile.decodeProvince(data, fileName: "dien-bien.json") { $0 == "vietnam" ? holidays : nil }
            return nil
        } catch {
            return error
        }
    }

    @Test func errorsNameTheFileTheKeyAndTheFix() throws {
        let badDuration = try province { o in
            o["steps"] = ["handling": ["default": ["working_dayz": 6]]]
        }
        let e1 = try #require(error(badDuration))
        #expect(e1.file == "dien-bien.json" && e1.keyPath == "steps.handling.default")
        #expect(e1.description.contains("working_hours") && e1.description.contains("Fix the file"))

        let badStep = try province { o in o["steps"] = ["handle": ["default": "immediate"]] }
        #expect(try #require(error(badStep)).description.contains("unknown step 'handle'"))

        let badZone = try province { o in
            var c = o["calendar"] as? [String: Any] ?? [:]
            c["time_zone"] = "Asia/Dien_Bien"
            o["calendar"] = c
        }
        #expect(try #require(error(badZone)).keyPath == "calendar.time_zone")

        let missingHolidays = try province { o in
            var c = o["calendar"] as? [String: Any] ?? [:]
            c["holidays"] = "laos"
            o["calendar"] = c
        }
        #expect(try #require(error(missingHolidays)).description.contains("calendars/laos.json"))

        let gap = try province { o in
            var c = o["calendar"] as? [String: Any] ?? [:]
            var schedules = c["schedules"] as? [[String: Any]] ?? []
            schedules.removeLast()
            c["schedules"] = schedules
            o["calendar"] = c
        }
        #expect(try #require(error(gap)).description.contains("no schedule covers"))

        let overlap = try province { o in
            var c = o["calendar"] as? [String: Any] ?? [:]
            var schedules = c["schedules"] as? [[String: Any]] ?? []
            schedules[0]["intervals"] = [["start": "07:00", "end": "12:00"], ["start": "11:00", "end": "17:00"]]
            c["schedules"] = schedules
            o["calendar"] = c
        }
        #expect(try #require(error(overlap)).keyPath == "calendar.schedules[0].intervals[1]")

        let missingKey = try province { o in o.removeValue(forKey: "name") }
        #expect(try #require(error(missingKey)).description.contains("\"name\" is missing"))
        #expect(error(Data("{".utf8)) != nil)
    }

    @Test func holidayTablesAreChecked() {
        let wrongYear = #"{"country":"VN","years":[{"year":2024,"days_off":[{"date":"2025-01-01","name":"x","kind":"holiday"}],"working_days":[]}]}"#
        #expect(throws: DataFileError.self) { try PolicyFile.decodeHolidays(Data(wrongYear.utf8), fileName: "x.json") }
        let weekdayWorked = #"{"country":"VN","years":[{"year":2024,"days_off":[],"working_days":[{"date":"2024-05-06","name":"x"}]}]}"#
        #expect(throws: DataFileError.self) { try PolicyFile.decodeHolidays(Data(weekdayWorked.utf8), fileName: "x.json") }
        let badDate = #"{"country":"VN","years":[{"year":2024,"days_off":[{"date":"2024-13-01","name":"x","kind":"holiday"}],"working_days":[]}]}"#
        do {
            _ = try PolicyFile.decodeHolidays(Data(badDate.utf8), fileName: "x.json")
            Issue.record("accepted month 13")
        } catch {
            #expect(error.keyPath == "years[0].days_off[0].date")
            #expect(error.description.contains("YYYY-MM-DD"))
        }
    }

    @Test func unreadableFilesSayWhichPath() {
        #expect(throws: DataFileError.self) {
            try PolicyFile.load(policy: URL(fileURLWithPath: "/nonexistent/x.json"), calendars: Fixtures.samples)
        }
    }
}
