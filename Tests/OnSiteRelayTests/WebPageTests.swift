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

    @Test("Sign-in with a supervisor token sets an HttpOnly, Secure, SameSite=Strict cookie; the page then loads with its security headers; sign-out ends it")
    func signInAndOut() async throws {
        let fixture = try await RelayRouteTests.Fixture()
        let supervisor = try await RelayRouteTests.Fixture.add(.supervisor, ["dien-bien"], to: fixture.server.store)
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

    @Test("Refused sign-ins: a wrong token (401), an officer's token (403, with a sentence), a form from another origin (403); none sets a cookie")
    func refusedSignIns() async throws {
        let fixture = try await RelayRouteTests.Fixture()
        let supervisor = try await RelayRouteTests.Fixture.add(.supervisor, ["dien-bien"], to: fixture.server.store)
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

    @Test("A revoked device's session ends at its next request")
    func revokedDevice() async throws {
        let fixture = try await RelayRouteTests.Fixture()
        let supervisor = try await RelayRouteTests.Fixture.add(.supervisor, ["dien-bien"], to: fixture.server.store)
        try await fixture.server.makeApplication().test(.router) { client in
            let signedIn = try await client.execute(uri: "/web/signin", method: .post, headers: Self.form(supervisor.token), body: Self.body(supervisor.token))
            var headers = HTTPFields()
            headers[.cookie] = String(try #require(Self.sessionCookie(signedIn)).split(separator: ";")[0])
            #expect(try await client.execute(uri: "/web", method: .get, headers: headers).status == .ok)
            #expect(try await fixture.server.store.revokeDevice(id: supervisor.id, at: Date()))
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

    @Test("The map: points projected from lat/long (north up, east right), each a link; past 2,000 only the overdue ones")
    func map() throws {
        let north = GeoPoint(latitude: 21.40, longitude: 103.00), east = GeoPoint(latitude: 21.38, longitude: 103.05)
        let map = ReportMap([("a", "A", north, .overdue), ("b", "B", east, .onTime), ("c", "C", nil, .noDeadline)])
        #expect(map.points.count == 2 && map.unplaced == 1 && map.omitted == 0)
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
        let crowd = ReportMap((0..<2_500).map { index in
            ("r\(index)", "R", GeoPoint(latitude: 21 + Double(index) / 10_000, longitude: 103), index % 5 == 0 ? ReportMap.State.overdue : ReportMap.State.onTime)
        })
        #expect(crowd.points.count == 500 && crowd.points.allSatisfy { $0.state == .overdue } && crowd.omitted == 2_000)
    }
}
