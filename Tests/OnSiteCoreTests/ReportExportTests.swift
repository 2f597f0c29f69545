import Foundation
import Testing

@testable import OnSiteCore

/// An RFC 4180 reader, written for the tests from the RFC's grammar (not the writer's code).
enum CSVReader {
    static func records(_ text: String) -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field = ""
        var quoted = false, wasQuoted = false
        var chars = Array(text.unicodeScalars)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { field.unicodeScalars.append("\""); chars.removeFirst() } else { quoted = false }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" && field.isEmpty && !wasQuoted {
                quoted = true
                wasQuoted = true
            } else if c == "," {
                record.append(field); field = ""; wasQuoted = false
            } else if c == "\r" && chars.first == "\n" {
                chars.removeFirst()
                record.append(field); records.append(record); record = []; field = ""; wasQuoted = false
            } else {
                field.unicodeScalars.append(c)
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }
}

@Suite("Exports: CSV for spreadsheets, GeoJSON for maps")
struct ReportExportTests {
    func rows() -> [ExportRow] {
        var tricky = Fixtures.report(id: "x", status: .forwarded)
        tricky.title = "Đèn \"đường\" hỏng, tổ 5"
        tricky.description = "Dòng một\r\nDòng hai, có dấu phẩy"
        tricky.address = "=HYPERLINK(\"http://x\")"
        var unlocated = Fixtures.report(id: "y", confidential: true)
        unlocated.location = nil
        unlocated.reporter = Reporter(isConfidential: true)  // redacted by the caller
        let deadline = Deadline(
            step: .handling, limit: .workingDays(6), startedAt: Fixtures.vn("2024-04-01 09:00"),
            originalDue: Fixtures.vn("2024-04-09 09:00"))
        return [
            ExportRow(report: tricky, categoryName: "Môi trường", districtName: "Thành phố Điện Biên Phủ", communeName: "Phường Mường Thanh",
                      assignedUnitName: nil, deadline: deadline, asOf: Fixtures.vn("2024-04-19 10:00"), noteCount: 2, verificationCount: 1, photoCount: 3),
            ExportRow(report: unlocated, categoryName: "Môi trường", districtName: "Thành phố Điện Biên Phủ", communeName: nil,
                      assignedUnitName: nil, deadline: nil, asOf: Fixtures.vn("2024-04-19 10:00"), noteCount: 0, verificationCount: 0, photoCount: 0),
        ]
    }

    @Test func csvStartsWithABOMAndParsesBackFieldForField() throws {
        let data = ReportExport.csv(rows())
        // Given the bytes: a UTF-8 BOM first, so Excel reads Vietnamese intact
        #expect(Array(data.prefix(3)) == ReportExport.byteOrderMark)
        let text = try #require(String(data: data.dropFirst(3), encoding: .utf8))
        // When read back with an RFC 4180 reader
        let records = CSVReader.records(text)
        // Then: a header and two records, every record as wide as the header
        #expect(records.count == 3 && records.allSatisfy { $0.count == ReportExport.columns.count })
        let header = records[0], first = records[1], second = records[2]
        func cell(_ record: [String], _ name: String) -> String? { header.firstIndex(of: name).map { record[$0] } }
        #expect(cell(first, "Tiêu đề") == "Đèn \"đường\" hỏng, tổ 5")
        #expect(cell(first, "Nội dung") == "Dòng một\r\nDòng hai, có dấu phẩy")
        #expect(cell(first, "Địa chỉ") == "'=HYPERLINK(\"http://x\")", "a formula is not run by the spreadsheet")
        #expect(cell(first, "Trạng thái") == "Chuyển xử lý" && cell(first, "Quá hạn") == "có")
        #expect(cell(first, "Hạn") == "2024-04-09T02:00:00.000Z" && cell(first, "Người phản ánh") == "Nguyễn Văn An")
        #expect(cell(first, "Vĩ độ") == "21.386000" && cell(first, "Kinh độ") == "103.017000")
        #expect(cell(second, "Người phản ánh") == "" && cell(second, "Điện thoại") == "" && cell(second, "Bảo mật") == "có")
        #expect(cell(second, "Vĩ độ") == "" && cell(second, "Mã hệ thống") == "y")
        #expect(text.hasSuffix("\r\n"))
        // And the English headers
        let english = try #require(String(data: ReportExport.csv(rows(), language: .english).dropFirst(3), encoding: .utf8))
        #expect(CSVReader.records(english)[0].first == "Code" && CSVReader.records(english)[1][4] == "forwarded")
    }

    @Test func geoJSONIsAValidRFC7946FeatureCollection() throws {
        let object = try #require(try JSONSerialization.jsonObject(with: ReportExport.geoJSON(rows())) as? [String: Any])
        #expect(object["type"] as? String == "FeatureCollection")
        let features = try #require(object["features"] as? [[String: Any]])
        #expect(features.count == 2)
        for feature in features {
            #expect(feature["type"] as? String == "Feature")
            #expect(feature["properties"] is [String: Any])
            #expect(feature.keys.contains("geometry"), "geometry is present, null when unknown (RFC 7946 §3.2)")
            if let geometry = feature["geometry"] as? [String: Any] {
                #expect(geometry["type"] as? String == "Point")
                let position = try #require(geometry["coordinates"] as? [Double])
                // Longitude first, then latitude, in WGS 84 ranges (RFC 7946 §3.1.1, §4)
                #expect(position.count == 2 && (-180...180).contains(position[0]) && (-90...90).contains(position[1]))
                #expect(position == [103.017, 21.386])
            } else {
                #expect(feature["geometry"] is NSNull)
            }
        }
        let properties = try #require(features[0]["properties"] as? [String: Any])
        #expect(properties["code"] as? String == "DB-2024-X" && properties["is_overdue"] as? Bool == true)
        #expect(properties["due"] as? String == "2024-04-09T02:00:00.000Z")
        let redacted = try #require(features[1]["properties"] as? [String: Any])
        #expect(redacted["reporter_name"] == nil && redacted["reporter_phone"] == nil)
        #expect(object["crs"] == nil, "RFC 7946 removed crs")
    }

    @Test func localTimesAndWorkingTime() {
        let format = LocalTimeFormat(timeZone: Fixtures.vietnam)
        #expect(format.dateTime(Fixtures.vn("2024-04-19 10:05")) == "19/04/2024 10:05")
        #expect(format.dateTimeWithZone(Fixtures.vn("2024-04-19 10:05")) == "19/04/2024 10:05 (GMT+7)")
        #expect(format.workingTime(30, hoursPerWorkingDay: 8) == "dưới 1 phút làm việc")
        #expect(format.workingTime((8 + 2) * 3600 + 1800, hoursPerWorkingDay: 8) == "1 ngày 2 giờ 30 phút làm việc")
        let english = LocalTimeFormat(timeZone: Fixtures.vietnam, language: .english)
        #expect(english.workingTime(5400, hoursPerWorkingDay: 8) == "1 h 30 min of working time")
    }
}
