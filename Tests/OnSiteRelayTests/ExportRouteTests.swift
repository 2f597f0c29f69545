import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import OnSiteCore
import OnSiteRelay
import OnSiteRelayProcess
import OnSiteSync
import Testing

/// `/v1/export/reports.csv` and `.geojson`: parsed back with real parsers, filtered, bounded, redacted per role.
@Suite("Hub exports")
struct ExportRouteTests {
    /// The CSV parsed by Python's `csv` module (a parser this project did not write), BOM removed by `utf-8-sig`.
    static func parseCSV(_ data: Data) throws -> [[String]] {
        let process = try ChildProcess("/usr/bin/env", ["python3", "-c", """
            import csv, io, json, sys
            rows = list(csv.reader(io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline=""), strict=True))
            sys.stdout.write(json.dumps(rows))
            """], input: .pipe, output: .pipe)
        try process.writeInputAndClose(data)
        let parsed = process.readOutputToEnd()
        #expect(process.wait() == .exited(0), "python3's csv module refused the export")
        return try JSONDecoder().decode([[String]].self, from: parsed)
    }

    /// The records of a parsed CSV as dictionaries by header.
    static func records(_ rows: [[String]]) -> [[String: String]] {
        guard let header = rows.first else { return [] }
        return rows.dropFirst().map { Dictionary(zip(header, $0), uniquingKeysWith: { first, _ in first }) }
    }

    @Test("The CSV opens in Excel: BOM, CRLF, RFC 4180 quoting, Vietnamese intact, formulas defused", arguments: StoreKind.allCases)
    func csvParsesBack(kind: StoreKind) async throws {
        let fixture = try await HubFixture(kind)
        let (status, body, headers) = try await fixture.get("/v1/export/reports.csv", as: .hub)
        #expect(status == .ok)
        #expect(headers[.contentType] == "text/csv; charset=utf-8")
        #expect(headers[.contentDisposition] == "attachment; filename=\"onsite-reports.csv\"")
        #expect(Array(body.prefix(3)) == ReportExport.byteOrderMark)
        let text = String(decoding: body.dropFirst(3), as: UTF8.self)
        #expect(text.hasSuffix("\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").replacingOccurrences(of: "nghiêm trọng\"\"\nđề", with: "").contains("\n"),
                "every line ends in CRLF; the only bare LF is inside the quoted description")
        let rows = try Self.parseCSV(body)
        #expect(rows.first == ReportExport.columns.map(\.vi))
        #expect(rows.dropFirst().allSatisfy { $0.count == ReportExport.columns.count })
        let records = Self.records(rows)
        #expect(records.map { $0["Mã hệ thống"] } == ["pa-1", "pa-2", "pa-3", "pa-4"])
        let pa3 = try #require(records.first { $0["Mã hệ thống"] == "pa-3" })
        #expect(pa3["Nội dung"] == "Lấn chiếm vỉa hè, \"nghiêm trọng\"\nđề nghị xử lý")
        #expect(pa3["Tiêu đề"] == "'=HYPERLINK(\"x\")")
        #expect(pa3["Vĩ độ"] == "" && pa3["Trạng thái"] == "Không xử lý")
        let pa1 = try #require(records.first)
        #expect(pa1["Lĩnh vực"] == "An toàn giao thông" && pa1["Vĩ độ"] == "21.385600" && pa1["Kinh độ"] == "103.016900")
        #expect(pa1["Người phản ánh"] == "Lò Văn Hùng" && pa1["Điện thoại"] == HubFixture.officerPhone)
        #expect(pa1["Người phản ánh"] == VietnameseText.normalized("Lò Văn Hùng"))
    }

    @Test("The CSV in English: `lang=en` changes headers and words", arguments: StoreKind.allCases)
    func csvInEnglish(kind: StoreKind) async throws {
        let fixture = try await HubFixture(kind)
        let rows = try Self.parseCSV(try await fixture.get("/v1/export/reports.csv?lang=en", as: .hub).body)
        #expect(rows.first == ReportExport.columns.map(\.en))
        #expect(Self.records(rows).first?["Status"] == "forwarded")
    }

    @Test("The GeoJSON is an RFC 7946 FeatureCollection: Point [longitude, latitude], null geometry, properties", arguments: StoreKind.allCases)
    func geoJSONValidates(kind: StoreKind) async throws {
        let fixture = try await HubFixture(kind)
        let (status, body, headers) = try await fixture.get("/v1/export/reports.geojson", as: .hub)
        #expect(status == .ok)
        #expect(headers[.contentType] == "application/geo+json")
        let collection = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        #expect(collection["type"] as? String == "FeatureCollection")
        let features = try #require(collection["features"] as? [[String: Any]])
        #expect(features.map { $0["id"] as? String } == ["pa-1", "pa-2", "pa-3", "pa-4"])
        for feature in features {
            #expect(feature["type"] as? String == "Feature")
            let properties = try #require(feature["properties"] as? [String: Any])
            #expect(properties["code"] is String && properties["status"] is String && properties["received_at"] is String)
            if let geometry = feature["geometry"] as? [String: Any] {
                #expect(geometry["type"] as? String == "Point")
                let coordinates = try #require(geometry["coordinates"] as? [Double])
                #expect(coordinates.count == 2)
                #expect((-180...180).contains(coordinates[0]) && (-90...90).contains(coordinates[1]))
            } else {
                #expect(feature["id"] as? String == "pa-3", "only the report without a position has a null geometry")
                #expect(feature.keys.contains("geometry"), "geometry is an explicit null")
            }
        }
        let pa1 = try #require(features.first)
        #expect((pa1["geometry"] as? [String: Any])?["coordinates"] as? [Double] == [103.0169, 21.3856], "longitude first")
        let properties = try #require(pa1["properties"] as? [String: Any])
        #expect(properties["category_name"] as? String == "An toàn giao thông")
        #expect(properties["reporter_phone"] as? String == HubFixture.officerPhone)
    }

    @Test("Export filters: unit, status, from and to (days in Vietnam time)", arguments: StoreKind.allCases)
    func filters(kind: StoreKind) async throws {
        let fixture = try await HubFixture(kind)
        func ids(_ query: String) async throws -> [String] {
            let (status, body, _) = try await fixture.get("/v1/export/reports.geojson?\(query)", as: .hub)
            #expect(status == .ok, "\(query): \(String(decoding: body, as: UTF8.self))")
            let collection = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
            return (collection["features"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        }
        #expect(try await ids("unit=phuong-him-lam") == ["pa-3", "pa-4"])
        #expect(try await ids("unit=tp-dien-bien-phu") == ["pa-1", "pa-2", "pa-3", "pa-4"])
        #expect(try await ids("status=published,rejected") == ["pa-2", "pa-3"])
        #expect(try await ids("from=2024-04-11&to=2024-04-15") == ["pa-2", "pa-3"])
        #expect(try await ids("from=2024-04-11T00:00:00Z&to=2024-04-15T02:00:00Z") == ["pa-2"])
        #expect(try await ids("status=published&unit=phuong-him-lam") == [])
        let csv = try Self.parseCSV(try await fixture.get("/v1/export/reports.csv?unit=phuong-muong-thanh", as: .hub).body)
        #expect(Self.records(csv).map { $0["Mã hệ thống"] } == ["pa-1", "pa-2"])
    }

    @Test("Reporter data per role: the hub and admin see it; officers and leaders unless confidential; supervisors never", arguments: StoreKind.allCases)
    func redactionPerRole(kind: StoreKind) async throws {
        let fixture = try await HubFixture(kind)
        // Phones each role's export may show, among the reports it sees.
        let visible: [Role: Set<String>] = [
            .hub: [HubFixture.officerPhone, HubFixture.confidentialPhone, "0911", "0913"],
            .admin: [HubFixture.officerPhone, HubFixture.confidentialPhone, "0911", "0913"],
            .officer: [HubFixture.officerPhone], .leader: [HubFixture.officerPhone], .supervisor: [],
        ]
        for (role, phones) in visible {
            let csv = Self.records(try Self.parseCSV(try await fixture.get("/v1/export/reports.csv", as: role).body))
            #expect(Set(csv.compactMap { $0["Điện thoại"] }.filter { !$0.isEmpty }) == phones, "\(role) CSV")
            if role == .supervisor { #expect(csv.allSatisfy { $0["Người phản ánh"] == "" && $0["Email"] == "" }) }
            let geo = String(decoding: try await fixture.get("/v1/export/reports.geojson", as: role).body, as: UTF8.self)
            for phone in [HubFixture.officerPhone, HubFixture.confidentialPhone, "0911", "0913"] {
                #expect(geo.contains("\"\(phone)\"") == phones.contains(phone), "\(role) GeoJSON \(phone)")
            }
            #expect(geo.contains("Cà Thị Hoa") == phones.contains(HubFixture.confidentialPhone), "\(role) confidential name")
        }
        // Officers see their unit's reports only.
        let officer = Self.records(try Self.parseCSV(try await fixture.get("/v1/export/reports.csv", as: .officer).body))
        #expect(officer.map { $0["Mã hệ thống"] } == ["pa-1", "pa-2"])
    }

    @Test("Hostile export parameters are 400 invalid_query with a sentence, before any body", arguments: [
        ("unit=nowhere", "unit"),
        ("status=done", "status"),
        ("status=published,", "status"),
        ("from=18/04/2024", "from"),
        ("from=2024-04-15&to=2024-04-10", "to"),
        ("lang=fr", "lang"),
        ("unit=\(String(repeating: "u", count: 5_000))", "longer than 4096 bytes"),
        ("status=\(Array(repeating: "published", count: 101).joined(separator: ","))", "at most 100"),
    ])
    func hostileParameters(query: String, mention: String) async throws {
        let fixture = try await HubFixture()
        // `lang` is the CSV's only (a GeoJSON's property names are fixed).
        for format in query.hasPrefix("lang=") ? ["csv"] : ["csv", "geojson"] {
            let (status, body, _) = try await fixture.get("/v1/export/reports.\(format)?\(query)", as: .hub)
            #expect(status == .badRequest, "\(format) \(query.prefix(80))")
            let error = try RelayRouteTests.decode(ErrorBody.self, .init(bytes: body))
            #expect(error.error.code == .invalidQuery)
            #expect(error.error.message.contains(mention), "\(error.error.message)")
        }
    }

    @Test("An export longer than one batch streams every report once, in id order", arguments: StoreKind.allCases)
    func streamsAcrossBatches(kind: StoreKind) async throws {
        // Given 450 more reports than the fixture's (three batches of 200 and a partial one)
        let fixture = try await HubFixture(kind)
        let extra = (0..<450).map { index in
            fixture.base.report(String(format: "bulk-%04d", index), commune: index.isMultiple(of: 2) ? "phuong-muong-thanh" : "phuong-him-lam")
        }
        let push = fixture.base.changeSet(from: fixture.base.hub.id, sequence: 2, extra.map { (.createReport($0), $0.id) })
        try await fixture.base.server.makeApplication().test(.router) { client in
            try await client.execute(uri: "/v1/changesets", method: .post, headers: RelayRouteTests.headers(fixture.base.hub.token),
                                     body: try RelayRouteTests.body(push)) { response in
                #expect(response.status == .ok)
            }
        }
        // When the hub exports them
        let csv = Self.records(try Self.parseCSV(try await fixture.get("/v1/export/reports.csv", as: .hub).body))
        let geo = try #require(try JSONSerialization.jsonObject(with: try await fixture.get("/v1/export/reports.geojson", as: .hub).body) as? [String: Any])
        // Then every report is there once, in id order
        let expected = (extra.map(\.id) + ["pa-1", "pa-2", "pa-3", "pa-4"]).sorted()
        #expect(csv.compactMap { $0["Mã hệ thống"] } == expected)
        #expect((geo["features"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == expected)
    }
}

@Suite("Hub exports: odd bytes in filters")
struct ExportOddFilterTests {
    @Test("a filter holding control characters or odd Unicode is a 400 with a JSON sentence", arguments: [
        "/v1/export/reports.csv?status=%C2%BC%F3%A1%86%86Z%C2%B9&lang=en&unit=1%04%C2%82%C2%8A%F1%B1%A7%9E%F1%B1%A7%9E",
        "/v1/export/reports.geojson?unit=%F3%9F%99%A2%F2%A1%A9%BB%F2%88%82%BD%F1%A2%A1%A9%C3%91%F3%A7%8A%8A%1D%C2%8E%C3%8F",
    ])
    func oddFilters(uri: String) async throws {
        let fixture = try await HubFixture()
        let (status, body, headers) = try await fixture.get(uri, as: .admin)
        #expect(status == .badRequest)
        #expect(headers[.contentType]?.hasPrefix("application/json") == true, "\(headers)")
        #expect(!body.isEmpty, "the 400 has a body")
    }
}
