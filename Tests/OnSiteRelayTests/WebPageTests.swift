import CTurboJPEG
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Logging
import NIOCore
import OnSiteCore
import OnSiteCrypto
@testable import OnSiteRelay
import OnSiteSync
import Testing

/// The supervisor page's sign-in, sessions and headers, driven in process (the browser tests are end to end).
@Suite("Supervisor web page: sessions and headers")
struct WebPageTests {
    static func form(_ token: String, origin: String? = "http://localhost") -> HTTPFields {
        var fields = HTTPFields()
        fields[.contentType] = "application/x-www-form-urlencoded"
        if let origin { fields[.origin] = origin }
        return fields
    }

    static func body(_ token: String) -> ByteBuffer {
        ByteBuffer(string: "token=" + FormEncoding.escape(token))
    }

    /// The session cookie a sign-in set, or nil.
    static func sessionCookie(_ response: TestResponse) -> String? {
        response.headers[values: .setCookie].first { $0.hasPrefix(WebSessions.cookieName + "=") }
    }

    @Test("Sign-in with a supervisor token sets an HttpOnly, Secure, SameSite=Strict cookie; the page then loads with its security headers; sign-out ends it", arguments: StoreKind.allCases)
    func signInAndOut(kind: StoreKind) async throws {
        let fixture = try await RelayRouteTests.Fixture(kind)
        let supervisor = try await RelayRouteTests.Fixture.add(.supervisor, ["dien-bien"], to: fixture.server.storage)
        try await fixture.server.makeApplication().test(.router) { client in
            let signedIn = try await client.execute(uri: "/web/signin", method: .post, headers: Self.form(supervisor.token), body: Self.body(supervisor.token))
            #expect(signedIn.status == .seeOther && signedIn.headers[.location] == "/web")
            let cookie = try #require(Self.sessionCookie(signedIn))
            #expect(cookie.contains("HttpOnly") && cookie.contains("Secure") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/web"))
            let session = String(cookie.split(separator: ";")[0])
            var headers = HTTPFields()
            headers[.cookie] = session
            let page = try await client.execute(uri: "/web", method: .get, headers: headers)
            #expect(page.status == .ok)
            #expect(page.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'none'; img-src 'self' data:; style-src 'self'") == true)
            #expect(page.headers[.xContentTypeOptions] == "nosniff" && page.headers[.cacheControl] == "no-store")
            #expect(page.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
            #expect(String(buffer: page.body).contains("<!DOCTYPE html>"))

            var signOutHeaders = Self.form("")
            signOutHeaders[.cookie] = session
            let signedOut = try await client.execute(uri: "/web/signout", method: .post, headers: signOutHeaders)
            #expect(signedOut.status == .seeOther && signedOut.headers[.location] == "/web/signin")
            let after = try await client.execute(uri: "/web", method: .get, headers: headers)
            #expect(after.status == .seeOther && after.headers[.location] == "/web/signin")
        }
    }

    @Test("Refused sign-ins: a wrong token (401), an officer's token (403, with a sentence), a form from another origin (403); none sets a cookie", arguments: StoreKind.allCases)
    func refusedSignIns(kind: StoreKind) async throws {
        let fixture = try await RelayRouteTests.Fixture(kind)
        let supervisor = try await RelayRouteTests.Fixture.add(.supervisor, ["dien-bien"], to: fixture.server.storage)
        try await fixture.server.makeApplication().test(.router) { client in
            let wrong = try await client.execute(uri: "/web/signin", method: .post, headers: Self.form("x"), body: Self.body("ost_wrong"))
            #expect(wrong.status == .unauthorized && Self.sessionCookie(wrong) == nil)
            #expect(String(buffer: wrong.body).contains("Mã truy cập không đúng"))
            let officer = try await client.execute(uri: "/web/signin", method: .post, headers: Self.form("x"), body: Self.body(fixture.officer.token))
            #expect(officer.status == .forbidden && Self.sessionCookie(officer) == nil)
            #expect(String(buffer: officer.body).contains("Cán bộ xử lý"))
            for origin in ["https://evil.example", "null", nil] {
                let crossSite = try await client.execute(uri: "/web/signin", method: .post, headers: Self.form("x", origin: origin),
                                                         body: Self.body(supervisor.token))
                #expect(crossSite.status == .forbidden && Self.sessionCookie(crossSite) == nil, "\(origin ?? "no origin")")
            }
            // Origin null (no-referrer pages) passes only with the browser's Sec-Fetch-Site: same-origin
            var sameSite = Self.form("x", origin: "null")
            sameSite[HTTPField.Name("Sec-Fetch-Site")!] = "cross-site"
            let forged = try await client.execute(uri: "/web/signin", method: .post, headers: sameSite, body: Self.body(supervisor.token))
            #expect(forged.status == .forbidden)
            sameSite[HTTPField.Name("Sec-Fetch-Site")!] = "same-origin"
            let fromPage = try await client.execute(uri: "/web/signin", method: .post, headers: sameSite, body: Self.body(supervisor.token))
            #expect(fromPage.status == .seeOther && Self.sessionCookie(fromPage) != nil)
            let byGet = try await client.execute(uri: "/web/signin?token=\(supervisor.token)", method: .get)
            #expect(byGet.status == .ok && Self.sessionCookie(byGet) == nil)
        }
    }

    @Test("A revoked device's session ends at its next request", arguments: StoreKind.allCases)
    func revokedDevice(kind: StoreKind) async throws {
        let fixture = try await RelayRouteTests.Fixture(kind)
        let supervisor = try await RelayRouteTests.Fixture.add(.supervisor, ["dien-bien"], to: fixture.server.storage)
        try await fixture.server.makeApplication().test(.router) { client in
            let signedIn = try await client.execute(uri: "/web/signin", method: .post, headers: Self.form(supervisor.token), body: Self.body(supervisor.token))
            var headers = HTTPFields()
            headers[.cookie] = String(try #require(Self.sessionCookie(signedIn)).split(separator: ";")[0])
            #expect(try await client.execute(uri: "/web", method: .get, headers: headers).status == .ok)
            #expect(try await fixture.server.storage.revokeDevice(id: supervisor.id, at: Date()))
            let after = try await client.execute(uri: "/web", method: .get, headers: headers)
            #expect(after.status == .seeOther && after.headers[.location] == "/web/signin")
        }
    }

    @Test("Sessions end after their idle time and their lifetime; the id is random and only its hash is kept")
    func sessionExpiry() throws {
        let sessions = WebSessions(idleTimeout: 60, lifetime: 300)
        let start = Date(timeIntervalSince1970: 1_713_312_000)
        let id = try sessions.open(deviceId: "d", tokenHash: "h", now: start)
        let other = try sessions.open(deviceId: "d", tokenHash: "h", now: start)
        #expect(id.count == 43 && id != other)
        #expect(sessions.use(id, now: start.addingTimeInterval(59)) != nil)
        #expect(sessions.use(id, now: start.addingTimeInterval(118)) != nil)  // idle clock restarted at 59 s
        #expect(sessions.use(id, now: start.addingTimeInterval(179)) == nil)   // 61 s idle
        let long = try sessions.open(deviceId: "d", tokenHash: "h", now: start)
        for minute in 1...4 { #expect(sessions.use(long, now: start.addingTimeInterval(Double(minute * 59))) != nil) }
        #expect(sessions.use(long, now: start.addingTimeInterval(301)) == nil)  // past the lifetime, though active
        #expect(sessions.use("made-up", now: start) == nil)
    }

    @Test("The page's tables from kept standings equal those computed from the records, across writes (the snapshot refreshed incrementally) and around a minute boundary", arguments: StoreKind.allCases)
    func keptTablesEqualComputed(kind: StoreKind) async throws {
        // Given a relay whose hub pushes reports of two wards, then further steps in three more writes
        let fixture = try await RelayRouteTests.Fixture(kind)
        let store = fixture.server.storage
        let supervisor = try await RelayRouteTests.Fixture.add(.supervisor, ["dien-bien"], to: store)
        let actor = try #require(try await store.device(tokenHash: DeviceToken.hashHex(of: supervisor.token))).actor
        let cache = WebScopeCache(store: store)
        let rules = try BuiltInCatalogue.rules(province: "dien-bien")
        let units = try BuiltInCatalogue.units()
        let district = UnitDirectory(units.units.filter { $0.code == "tp-dien-bien-phu" || $0.parent == "tp-dien-bien-phu" })
        let start = Date(timeIntervalSince1970: 1_713_312_000)
        func event(_ id: String, hours: Double, _ action: String, _ detail: String = "") -> (Change, String) {
            (.addEvent(Event(reportId: id, actor: "IOC", at: start.addingTimeInterval(hours * 3_600), action: action, detail: detail)), id)
        }
        let forwarded = EventVocabulary.transition(to: .forwarded)
        let writes: [[(Change, String)]] = [
            ["r1", "r2", "r3", "r4", "r5"].enumerated().map { index, id in
                (.createReport(fixture.report(id, commune: index % 2 == 0 ? "phuong-muong-thanh" : "phuong-him-lam")), id)
            } + [event("r1", hours: 1, forwarded, "phuong-muong-thanh"), event("r2", hours: 1, forwarded, "phuong-him-lam"),
                 event("r3", hours: 2, forwarded, "phuong-muong-thanh")],
            [event("r2", hours: 30, EventVocabulary.transition(to: .resultSubmitted)), event("r2", hours: 50, EventVocabulary.transition(to: .approved)),
             event("r3", hours: 20, EventVocabulary.extensionNotice,
                   EventVocabulary.extensionDetail(newExpectedDate: start.addingTimeInterval(40 * 86_400), reason: "Chờ vật tư"))],
            [event("r4", hours: 400, forwarded, "phuong-him-lam"), event("r5", hours: 3, EventVocabulary.hidden, "Vi phạm")],
            [event("r5", hours: 500, EventVocabulary.unhidden, "Nhầm"), event("r1", hours: 600, EventVocabulary.transition(to: .resultSubmitted))],
        ]
        var compared = 0
        for (sequence, write) in writes.enumerated() {
            try await fixture.server.makeApplication().test(.router) { client in
                let body = try RelayRouteTests.body(fixture.changeSet(from: fixture.hub.id, sequence: Int64(sequence + 1), write))
                #expect(try await client.execute(uri: "/v1/changesets", method: .post, headers: RelayRouteTests.headers(fixture.hub.token), body: body).status == .ok)
            }
            // When the pages' snapshot is refreshed (only the changed reports read again) and a fresh one is made
            let kept = try await cache.snapshot(for: actor)
            let fresh = try await WebScopeSnapshot.load(from: store, for: actor)
            // Then they hold the same records and standings
            #expect(Set(kept.entries.keys) == Set(fresh.entries.keys) && kept.serverVersion == fresh.serverVersion)
            for (id, entry) in kept.entries {
                #expect(entry.record == fresh.entries[id]?.record, "\(id)")
                for step in DeadlineStep.allCases {
                    #expect(entry.settled?.kept(for: step, asOf: .distantFuture) == fresh.entries[id]?.settled?.kept(for: step, asOf: .distantFuture))
                }
            }
            // And every table from kept standings equals the one computed from the records, before, at and after the
            // latest event, on both sides of a minute boundary
            let entries = kept.reports { _ in true }
            let latest = entries.flatMap(\.record.events).map(\.at).max() ?? start
            let minute = (latest.timeIntervalSince1970 / 60).rounded(.down) * 60 + 60
            let instants = [latest.addingTimeInterval(-3_600), latest.addingTimeInterval(-1), latest,
                            Date(timeIntervalSince1970: minute - 0.001), Date(timeIntervalSince1970: minute), latest.addingTimeInterval(45 * 86_400)]
            for asOf in instants {
                for step in DeadlineStep.allCases {
                    let fromKept = OverdueReport.make(
                        standings: WebPages.standings(entries, step: step, evaluator: rules.evaluator, asOf: asOf), calendar: rules.calendar,
                        units: district, grouping: .commune, step: step, asOf: asOf)
                    let computed = OverdueReport.make(
                        reports: entries.map(\.record.report), events: entries.flatMap(\.record.events), evaluator: rules.evaluator,
                        units: district, grouping: .commune, step: step, asOf: asOf)
                    #expect(fromKept == computed, "write \(sequence + 1), \(step) at \(asOf)")
                    compared += 1
                }
            }
        }
        #expect(compared == 4 * 6 * 5)
    }

    @Test("Text is escaped everywhere: markup in data prints as text")
    func escaping() {
        let title = "<script>alert('x')</script> & \"quoted\""
        let html: HTML = "<td title=\"\(title)\">\(title)</td>"
        #expect(html.description == "<td title=\"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;</td>")
    }

    @Test("Thumbnails: a sample photo scales to at most 320 px and decodes again; bytes that are not a JPEG are refused")
    func thumbnails() throws {
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Samples/photos/dbp-site-1.jpg")
        let thumbnail = try Thumbnailer.thumbnail(ofJPEG: try Data(contentsOf: sample), targetSide: 160)
        #expect(Array(thumbnail.prefix(2)) == [0xFF, 0xD8])
        let again = try Thumbnailer.thumbnail(ofJPEG: thumbnail, targetSide: 1000)  // decodes: a valid JPEG
        #expect(!again.isEmpty)
        #expect(Thumbnailer.scale(width: 320, height: 240, targetSide: 160) == (160, 120))
        #expect(Thumbnailer.scale(width: 4000, height: 3000, targetSide: 320) == (500, 375))  // 1/8 is the smallest DCT scale
        #expect(throws: ThumbnailError.self) { try Thumbnailer.thumbnail(ofJPEG: Data("not a photo".utf8)) }
    }

    /// A 64 × 32 JPEG, left half red and right half blue, with an EXIF block declaring `orientation`.
    static func halves(orientation: UInt8) throws -> Data {
        var pixels: [UInt8] = []
        for _ in 0..<32 { for x in 0..<64 { pixels += x < 32 ? [220, 20, 20] : [20, 20, 220] } }
        let encoder = try #require(tjInitCompress())
        defer { tjDestroy(encoder) }
        var output: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        #expect(tjCompress2(encoder, pixels, 64, 0, 32, Int32(TJPF_RGB.rawValue), &output, &size, Int32(TJSAMP_444.rawValue), 95, 0) == 0)
        defer { tjFree(output) }
        let jpeg = Data(bytes: try #require(output), count: Int(size))
        // APP1 "Exif": a big-endian TIFF header and IFD0 with one entry, 0x0112 SHORT 1 = orientation
        let tiff: [UInt8] = [0x4D, 0x4D, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0]
        let payload = Array("Exif".utf8) + [0, 0] + tiff
        let segment: [UInt8] = [0xFF, 0xE1, 0, UInt8(payload.count + 2)] + payload
        return jpeg.prefix(2) + Data(segment) + jpeg.dropFirst(2)
    }

    /// The size of a JPEG and the RGB of its pixel at (`x`, `y`).
    static func decoded(_ jpeg: Data, x: Int, y: Int) throws -> (width: Int, height: Int, rgb: [UInt8]) {
        let decoder = try #require(tjInitDecompress())
        defer { tjDestroy(decoder) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let bytes = [UInt8](jpeg)
        #expect(tjDecompressHeader3(decoder, bytes, UInt(bytes.count), &width, &height, &subsampling, &colorspace) == 0)
        var pixels = [UInt8](repeating: 0, count: Int(width * height) * 3)
        #expect(tjDecompress2(decoder, bytes, UInt(bytes.count), &pixels, width, 0, height, Int32(TJPF_RGB.rawValue), 0) == 0)
        let at = (y * Int(width) + x) * 3
        return (Int(width), Int(height), Array(pixels[at..<at + 3]))
    }

    @Test("Thumbnails stand upright: EXIF orientations 1, 3, 6 and 8 turn the decoded pixels; only the segments before the scan are read for it")
    func thumbnailOrientation() throws {
        func isRed(_ rgb: [UInt8]) -> Bool { rgb[0] > 150 && rgb[2] < 100 }
        func isBlue(_ rgb: [UInt8]) -> Bool { rgb[2] > 150 && rgb[0] < 100 }
        // Upright: as stored, red on the left
        let upright = try Self.decoded(Thumbnailer.thumbnail(ofJPEG: Self.halves(orientation: 1), targetSide: 1000), x: 4, y: 16)
        #expect(upright.width == 64 && upright.height == 32 && isRed(upright.rgb))
        // 3: upside down, so red ends on the right
        let turned = try Thumbnailer.thumbnail(ofJPEG: Self.halves(orientation: 3), targetSide: 1000)
        #expect(try isBlue(Self.decoded(turned, x: 4, y: 16).rgb) && isRed(Self.decoded(turned, x: 60, y: 16).rgb))
        // 6: turned clockwise, so 32 wide and 64 high with the stored left (red) on top
        let clockwise = try Thumbnailer.thumbnail(ofJPEG: Self.halves(orientation: 6), targetSide: 1000)
        let top = try Self.decoded(clockwise, x: 16, y: 4), bottom = try Self.decoded(clockwise, x: 16, y: 60)
        #expect(top.width == 32 && top.height == 64 && isRed(top.rgb) && isBlue(bottom.rgb))
        // 8: turned counter-clockwise, so the stored left ends at the bottom
        let counter = try Thumbnailer.thumbnail(ofJPEG: Self.halves(orientation: 8), targetSide: 1000)
        #expect(try isBlue(Self.decoded(counter, x: 16, y: 4).rgb) && isRed(Self.decoded(counter, x: 16, y: 60).rgb))
        // The orientation is read from the header; a damaged or missing block reads upright
        for (bytes, expected) in [(try Self.halves(orientation: 6), JPEGOrientation.turnedClockwise), (try Self.halves(orientation: 9), .upright),
                                  (Data([0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF]), .upright), (Data(), .upright)] {
            let found = [UInt8](bytes).withUnsafeBufferPointer { JPEGOrientation.of($0) }
            #expect(found == expected)
        }
        // A file on disk is mapped: the thumbnail of the same bytes
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("orientation-\(UUID().uuidString).jpg")
        defer { try? FileManager.default.removeItem(at: file) }
        try Self.halves(orientation: 6).write(to: file)
        #expect(try Thumbnailer.thumbnail(ofFile: file.path, targetSide: 1000) == clockwise)
        #expect(throws: ThumbnailError.self) { try Thumbnailer.thumbnail(ofFile: file.path + ".missing") }
    }

    @Test("The map: points projected from lat/long (north up, east right), each a link; past 300 one circle per area, linked to its table")
    func map() throws {
        let north = GeoPoint(latitude: 21.40, longitude: 103.00), east = GeoPoint(latitude: 21.38, longitude: 103.05)
        let map = ReportMap([.init(id: "a", label: "A", position: north, state: .overdue), .init(id: "b", label: "B", position: east, state: .onTime),
                             .init(id: "c", label: "C", position: nil, state: .noDeadline)])
        #expect(map.points.count == 2 && map.unplaced == 1 && map.clusters.isEmpty)
        let svg = map.svg(text: WebText(.vietnamese)) { $0 }.description
        let circles = svg.components(separatedBy: "<circle ").dropFirst().map { part -> (cx: Double, cy: Double) in
            func value(_ name: String) -> Double {
                Double(part.components(separatedBy: "\(name)=\"")[1].prefix { $0 != "\"" }) ?? .nan
            }
            return (value("cx"), value("cy"))
        }
        // Drawn overdue last: b (east, south) first, then a (north, west)
        #expect(circles.count == 2 && circles[0].cx > circles[1].cx && circles[0].cy > circles[1].cy, "\(circles)")
        #expect(svg.contains("href=\"/web/reports/a\"") && !svg.contains("<script"))
        // 2,500 reports in three communes, the overdue ones (every fifth) only in the first two
        let crowd = ReportMap((0..<2_500).map { index in
            let area = ["x1", "x2", "x3"][index % 3]
            return .init(id: "r\(index)", label: "R", position: GeoPoint(latitude: 21 + Double(index % 3) / 10 + Double(index) / 100_000, longitude: 103),
                         state: index % 5 == 0 && area != "x3" ? .overdue : .onTime, area: area)
        })
        #expect(crowd.points.isEmpty && crowd.clusters.map(\.area) == ["x1", "x2", "x3"])
        #expect(crowd.clusters.map(\.count) == [834, 833, 833] && crowd.clusters.map(\.state) == [.overdue, .overdue, .onTime])
        let overdue: Int = crowd.clusters.map(\.overdue).reduce(0, +)
        let expectedOverdue: Int = (0..<2_500).filter { (index: Int) -> Bool in index % 5 == 0 && index % 3 != 2 }.count
        #expect(overdue == expectedOverdue)
        // The first area (lowest latitudes) is drawn south of the third, at its reports' mean position
        #expect(crowd.clusters[0].position.latitude < crowd.clusters[2].position.latitude)
        let crowdSVG = crowd.svg(text: WebText(.vietnamese), link: { $0 }) { code in ("Xã \(code)", code == "x3" ? nil : "/web/t/\(code)") }.description
        #expect(crowdSVG.components(separatedBy: "<circle ").count - 1 == 3 && crowdSVG.utf8.count < 4_000)
        #expect(crowdSVG.contains("href=\"/web/t/x1\"") && crowdSVG.contains("href=\"/web/t/x2\"") && !crowdSVG.contains("/web/t/x3"))
        #expect(crowdSVG.contains("<title>Xã x3: 833 PAHT, 0 quá hạn</title>"))
    }
}
