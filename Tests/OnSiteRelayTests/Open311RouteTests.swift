import Foundation
import HTTPTypes
import OnSiteCore
import OnSiteRelay
import OnSiteSync
import Testing

/// `/open311/v2/…`: each endpoint, each filter, Open311's error format for bad input, scope and redaction per role.
@Suite("Open311 GeoReport v2")
struct Open311RouteTests {
    static let april = "start_date=2024-04-01T00:00:00Z&end_date=2024-04-30T00:00:00Z"

    static func array(_ data: Data) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    }

    static func ids(_ data: Data) throws -> [String] {
        try array(data).compactMap { $0["service_request_id"] as? String }
    }

    /// The Open311 error body: an array of one `{code, description, onsite_code}`.
    static func error(_ data: Data) throws -> (code: Int, description: String, onsiteCode: String) {
        let entry = try #require(try array(data).first)
        return (try #require(entry["code"] as? Int), try #require(entry["description"] as? String), try #require(entry["onsite_code"] as? String))
    }

    @Test("services.json lists every category of the catalogue as a realtime service without metadata", arguments: StoreKind.allCases)
    func services(kind: StoreKind) async throws {
        let fixture = try await HubFixture(kind)
        let (status, body, headers) = try await fixture.get("/open311/v2/services.json", as: .officer)
        #expect(status == .ok)
        #expect(headers[.contentType] == "application/json; charset=utf-8")
        let services = try Self.array(body)
        let categories = try BuiltInCatalogue.categories()
        #expect(services.map { $0["service_code"] as? String } == categories.map(\.code))
        let traffic = try #require(services.first { $0["service_code"] as? String == "an-toan-giao-thong" })
        #expect(traffic["service_name"] as? String == "An toàn giao thông")
        #expect(traffic["metadata"] as? Bool == false)
        #expect(traffic["type"] as? String == "realtime")
        #expect(traffic["keywords"] as? String == "an,toan,giao,thong")
        #expect(traffic["group"] as? String == "Phản ánh hiện trường")
        #expect((traffic["description"] as? String)?.isEmpty == false)
    }

    @Test("Without a token every Open311 route is a 401 in Open311's error format", arguments: StoreKind.allCases)
    func authentication(kind: StoreKind) async throws {
        let fixture = try await HubFixture(kind)
        for path in ["/open311/v2/services.json", "/open311/v2/requests.json", "/open311/v2/requests/pa-1.json"] {
            let (status, body, headers) = try await fixture.get(path, as: nil)
            #expect(status == .unauthorized, "\(path)")
            #expect(headers[.wwwAuthenticate] == "Bearer")
            let error = try Self.error(body)
            #expect(error.code == 401 && error.onsiteCode == "missing_token" && error.description.contains("Authorization"))
        }
    }

    @Test("requests.json: a window of dates, newest first, with the GeoReport v2 fields", arguments: StoreKind.allCases)
    func requestsInWindow(kind: StoreKind) async throws {
        let fixture = try await HubFixture(kind)
        let (status, body, _) = try await fixture.get("/open311/v2/requests.json?\(Self.april)", as: .hub)
        #expect(status == .ok)
        #expect(try Self.ids(body) == ["pa-3", "pa-2", "pa-1"])
        let first = try #require(try Self.array(body).last)
        #expect(first["status"] as? String == "open")
        #expect(first["service_code"] as? String == "an-toan-giao-thong")
        #expect(first["service_name"] as? String == "An toàn giao thông")
        #expect(first["description"] as? String == "Ổ gà sâu, nguy hiểm")
        #expect(first["agency_responsible"] as? String == (try BuiltInCatalogue.units()).name(of: "phuong-muong-thanh"))
        #expect(first["requested_datetime"] as? String == "2024-04-10T02:00:00.000Z")
        #expect(first["updated_datetime"] as? String == "2024-04-10T02:00:00.000Z")
        #expect(first["address"] as? String == "Tổ 5, phường Mường Thanh")
        #expect(first["lat"] as? Double == 21.3856 && first["long"] as? Double == 103.0169)
        #expect(first["media_url"] == nil, "no photo, no media_url")
        #expect(first["onsite_status"] as? String == "forwarded" && first["onsite_code"] as? String == "PA-1")
        let rejected = try #require(try Self.array(body).first)
        #expect(rejected["status"] as? String == "closed")
        #expect(rejected["lat"] == nil && rejected["long"] == nil, "a report without a position has no lat/long")
    }

    @Test("media_url: absent while the photo is announced but not uploaded, then the relay's /v1/blobs URL of the uploaded photo, which serves its bytes", arguments: StoreKind.allCases)
    func mediaURLOfAnUploadedPhoto(kind: StoreKind) async throws {
        // Given a report whose officer announced a real photo
        let fixture = try await RelayRouteTests.Fixture(kind)
        let photo = try UploadRouteTests.sample("dbp-site-1.jpg")
        let sha256 = UploadRouteTests.hash(photo)
        let headers = RelayRouteTests.headers(fixture.hub.token)
        try await fixture.server.makeApplication().test(.router) { client in
            try await UploadRouteTests.seed(client, fixture, [photo])
            func request() async throws -> [String: Any] {
                let response = try await client.execute(uri: "/open311/v2/requests/r1.json", method: .get, headers: headers)
                #expect(response.status == .ok)
                return try #require(try Self.array(Data(response.body.readableBytesView)).first)
            }
            #expect(try await request()["media_url"] == nil, "announced, not uploaded: no media_url")
            // When the officer uploads it through /v1/uploads
            _ = try await UploadRouteTests.create(client, fixture.officer.token, photo)
            let done = try await UploadRouteTests.patch(client, fixture.officer.token, sha256, offset: 0, photo)
            #expect(try UploadRouteTests.status(done).complete)
            // Then media_url names its blob under the relay's origin, and that URL serves the photo's bytes to the hub
            let url = try #require(try await request()["media_url"] as? String)
            let components = try #require(URLComponents(string: url))
            #expect(components.scheme?.hasPrefix("http") == true && components.host?.isEmpty == false && components.path == "/v1/blobs/\(sha256)")
            let download = try await client.execute(uri: components.path, method: .get,
                                                    headers: RelayRouteTests.headers(fixture.hub.token))
            #expect(download.status == .ok && Data(download.body.readableBytesView) == photo)
        }
    }

    @Test("requests.json without dates serves the last 90 days; one date alone opens a 90-day window", arguments: StoreKind.allCases)
    func defaultWindow(kind: StoreKind) async throws {
        let fixture = try await HubFixture(kind)
        #expect(try Self.ids(try await fixture.get("/open311/v2/requests.json", as: .hub).body) == ["pa-4"])
        #expect(try Self.ids(try await fixture.get("/open311/v2/requests.json?start_date=2024-04-11T00:00:00Z", as: .hub).body) == ["pa-3", "pa-2"])
        #expect(try Self.ids(try await fixture.get("/open311/v2/requests.json?end_date=2024-04-11T00:00:00Z", as: .hub).body) == ["pa-1"])
    }

    @Test("requests.json filters: service_code, status, service_request_id, jurisdiction_id, days, paging", arguments: StoreKind.allCases)
    func filters(kind: StoreKind) async throws {
        let fixture = try await HubFixture(kind)
        func ids(_ query: String) async throws -> [String] {
            let (status, body, _) = try await fixture.get("/open311/v2/requests.json?\(query)", as: .hub)
            #expect(status == .ok, "\(query): \(String(decoding: body, as: UTF8.self))")
            return try Self.ids(body)
        }
        #expect(try await ids("\(Self.april)&service_code=moi-truong") == ["pa-2"])
        #expect(try await ids("\(Self.april)&service_code=moi-truong,an-toan-giao-thong") == ["pa-2", "pa-1"])
        #expect(try await ids("\(Self.april)&status=closed") == ["pa-3", "pa-2"])
        #expect(try await ids("\(Self.april)&status=open") == ["pa-1"])
        #expect(try await ids("\(Self.april)&status=open,closed") == ["pa-3", "pa-2", "pa-1"])
        // service_request_id overrides every other filter, the date window included.
        #expect(try await ids("service_request_id=pa-1,pa-4&status=closed") == ["pa-4", "pa-1"])
        #expect(try await ids("service_request_id=nothing-here") == [])
        #expect(try await ids("\(Self.april)&jurisdiction_id=dien-bien") == ["pa-3", "pa-2", "pa-1"])
        // Days are read in Vietnam time; an end day runs through its end.
        #expect(try await ids("start_date=2024-04-12&end_date=2024-04-12") == ["pa-2"])
        #expect(try await ids("start_date=2024-04-12T09:00:00%2B07:00&end_date=2024-04-15T09:00:00%2B07:00") == ["pa-2"])
        #expect(try await ids("\(Self.april)&page_size=2") == ["pa-3", "pa-2"])
        #expect(try await ids("\(Self.april)&page_size=2&page=2") == ["pa-1"])
        #expect(try await ids("\(Self.april)&page_size=2&page=3") == [])
    }

    @Test("requests/{id}.json answers an array of one; a report outside the scope is a 404 like a missing one", arguments: StoreKind.allCases)
    func singleRequest(kind: StoreKind) async throws {
        let fixture = try await HubFixture(kind)
        let (status, body, _) = try await fixture.get("/open311/v2/requests/pa-2.json", as: .officer)
        #expect(status == .ok)
        #expect(try Self.ids(body) == ["pa-2"])
        #expect(try Self.array(body).first?["status"] as? String == "closed")
        for id in ["pa-3", "missing"] {
            let (status, body, _) = try await fixture.get("/open311/v2/requests/\(id).json", as: .officer)
            #expect(status == .notFound)
            let error = try Self.error(body)
            #expect(error.code == 404 && error.description.contains("No report \(id)"))
        }
        let (badStatus, badBody, _) = try await fixture.get("/open311/v2/requests/a%20b.json", as: .hub)
        #expect(badStatus == .badRequest)
        #expect(try Self.error(badBody).description.contains("report id"))
    }

    @Test("An officer reads only the reports of its unit; the hub and the supervisor the province's", arguments: StoreKind.allCases)
    func scope(kind: StoreKind) async throws {
        let fixture = try await HubFixture(kind)
        let expected: [Role: [String]] = [
            .hub: ["pa-3", "pa-2", "pa-1"], .supervisor: ["pa-3", "pa-2", "pa-1"], .admin: ["pa-3", "pa-2", "pa-1"],
            .officer: ["pa-2", "pa-1"], .leader: ["pa-2", "pa-1"],
        ]
        for (role, ids) in expected {
            #expect(try Self.ids(try await fixture.get("/open311/v2/requests.json?\(Self.april)", as: role).body) == ids, "\(role)")
        }
    }

    @Test("No Open311 answer carries the reporter's name or phone, for any role", arguments: StoreKind.allCases)
    func noPersonalData(kind: StoreKind) async throws {
        let fixture = try await HubFixture(kind)
        for role in Role.allCases {
            for path in ["/open311/v2/requests.json?\(Self.april)", "/open311/v2/requests/pa-1.json", "/open311/v2/requests/pa-2.json",
                         "/open311/v2/requests.json?service_request_id=pa-1,pa-2,pa-3,pa-4"] {
                let text = String(decoding: try await fixture.get(path, as: role).body, as: UTF8.self)
                for secret in [HubFixture.officerPhone, HubFixture.confidentialPhone, "Lò Văn Hùng", "Cà Thị Hoa", "Quàng Văn Minh"] {
                    #expect(!text.contains(secret), "\(role) \(path)")
                }
            }
        }
    }

    @Test("Hostile filters are 400s in Open311's format, with a sentence naming the parameter", arguments: [
        ("status=pending", "status"),
        ("status=open,,closed", "status"),
        ("start_date=yesterday", "start_date"),
        ("end_date=2024-02-30T00:00:00Z", "end_date"),
        ("start_date=2024-04-10T00:00:00Z&end_date=2024-04-01T00:00:00Z", "end_date"),
        ("start_date=2024-01-01T00:00:00Z&end_date=2024-06-01T00:00:00Z", "90 days"),
        ("service_code=not-a-category", "service_code"),
        ("service_request_id=\(String(repeating: "x,", count: 150))x", "at most 100"),
        ("service_request_id=a%20b", "service_request_id"),
        ("service_code=\(String(repeating: "a", count: 5_000))", "longer than 4096 bytes"),
        ("service_code=\(String(repeating: "a", count: 2_049))", "longer than 2048 characters"),
        ("page=0", "page"),
        ("page_size=1001", "page_size"),
        ("page_size=-1", "page_size"),
        ("jurisdiction_id=ha-noi", "jurisdiction_id"),
        // service_request_id makes the other filters moot (GeoReport v2), but they are still checked.
        ("service_request_id=r1&end_date=\(String(repeating: "F", count: 65))", "longer than 64 characters"),
        ("service_request_id=r1&jurisdiction_id=\(String(repeating: "%C3%AB", count: 3_000))", "jurisdiction_id"),
    ])
    func hostileFilters(query: String, mention: String) async throws {
        let fixture = try await HubFixture()
        let (status, body, _) = try await fixture.get("/open311/v2/requests.json?\(query)", as: .hub)
        #expect(status == .badRequest, "\(query.prefix(80))")
        let error = try Self.error(body)
        #expect(error.code == 400 && error.onsiteCode == "invalid_query")
        #expect(error.description.contains(mention), "\(error.description)")
        #expect(error.description.utf8.count < 600, "the sentence quotes at most a bounded part of the input")
    }
}
