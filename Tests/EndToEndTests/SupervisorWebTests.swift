import Foundation
import OnSiteRelayProcess
import Testing

/// The supervisor web page in a real browser: headless Chromium against a real relay process over real TLS,
/// asserting what a person sees. Screenshots are kept under `.build/test-artefacts/web/`.
@Suite("End to end: the supervisor web page in Chromium", .serialized)
struct SupervisorWebTests {
    /// The memo's reports and history imported by the hub, and one report verified on site with two photos.
    struct World {
        let relay: RelayProcess
        let supervisorToken: String
        let hubToken: String
        let officerToken: String

        init() throws {
            relay = try RelayProcess()
            hubToken = try relay.addDevice(role: "hub", name: "IOC", units: ["dien-bien"])
            supervisorToken = try relay.addDevice(role: "supervisor", name: "Lãnh đạo IOC", units: ["dien-bien"])
            officerToken = try relay.addDevice(role: "officer", name: "Lò Thị Lan", units: ["tp-dien-bien-phu"])
            try relay.start()
            let hub = FieldDevice(name: "hub", in: relay.folder)
            try hub.enroll(with: relay, token: hubToken)
            let memo = Seeded.memoFolder
            let imported = try hub.onsite("import", memo.appendingPathComponent("reports.json").path,
                                          "--events", memo.appendingPathComponent("events.json").path)
            guard imported.status == 0 else { throw E2EError("import failed: \(imported.combined)") }
            try hub.sync()
            let officer = FieldDevice(name: "officer", in: relay.folder)
            try officer.enroll(with: relay, token: officerToken)
            try officer.sync()
            let verified = try officer.onsite("verify", "DB-2024-00003", "--finding", "confirmed", "--notes", "Đã kiểm tra <b>tại chỗ</b>",
                                              "--photo", SamplePhotos.path("dbp-site-1.jpg"), "--photo", SamplePhotos.path("far-hanoi.jpg"))
            guard verified.status == 0 else { throw E2EError("verify failed: \(verified.combined)") }
            try officer.sync()
        }

        func url(_ path: String) -> String { relay.url + path }
    }

    static let asOf = "2024-04-19T03:00:00Z"

    /// Fills the sign-in form with `token` and submits it, as a person would.
    static func signIn(_ tab: HeadlessBrowser.Tab, _ world: World, token: String) throws {
        try tab.navigate(world.url("/web/signin"))
        let literal = String(decoding: try JSONSerialization.data(withJSONObject: [token]), as: UTF8.self).dropFirst().dropLast()
        try tab.navigating(by: "document.getElementById('token').value = \(literal); document.querySelector('form.signin').submit()")
    }

    /// The text of each cell of each row of the table matched by `selector`.
    static func rows(_ tab: HeadlessBrowser.Tab, _ selector: String) throws -> [[String]] {
        try tab.evaluate("[...document.querySelectorAll('\(selector)')].map(r => [...r.cells].map(c => c.textContent.trim()))") as? [[String]] ?? []
    }

    @Test("A supervisor signs in, reads the memo's table, drills down to a report with photos and no reporter data, switches to English, signs out; wrong and officer tokens are refused")
    func supervisorDay() throws {
        let world = try World()
        let browser = try HeadlessBrowser(trustingSPKI: try HeadlessBrowser.spkiHash(ofCertificate: world.relay.folder.appendingPathComponent("tls/cert.pem")))
        print("Screenshots of the supervisor page: \(HeadlessBrowser.artefacts.path)")
        let tab = try browser.openTab()

        // A wrong token is refused with a sentence, and no session cookie is set
        try Self.signIn(tab, world, token: "ost_not-a-real-token")
        #expect(try tab.string("location.pathname") == "/web/signin")
        #expect(try tab.string("document.querySelector('.error').textContent").hasPrefix("Mã truy cập không đúng"))
        try tab.screenshot("01-wrong-token")
        // An officer's token is refused too: the page is for supervisors and the hub
        try Self.signIn(tab, world, token: world.officerToken)
        #expect(try tab.string("document.querySelector('.error').textContent").contains("Cán bộ xử lý"))
        // Reaching a page without signing in leads to the sign-in form
        try tab.navigate(world.url("/web"))
        #expect(try tab.string("location.pathname") == "/web/signin")

        // The supervisor signs in and reads the memo's table by district, as of the memo's day
        try Self.signIn(tab, world, token: world.supervisorToken)
        #expect(try tab.string("location.pathname") == "/web")
        try tab.navigate(world.url("/web?asOf=\(Self.asOf)"))
        let expected = try String(contentsOf: Seeded.memoFolder.appendingPathComponent("expected-table.txt"), encoding: .utf8)
            .split(separator: "\n").filter { $0.first == " " && $0.contains("|") && !$0.contains("Tổng cộng") }
            .map { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }
        let shown = try Self.rows(tab, "table.overdue tbody tr")
        #expect(shown == expected, "\(shown)")
        #expect(try Self.rows(tab, "table.overdue tfoot tr") == [["", "Tổng cộng", "130", "7", "123", "94,6%"]])
        #expect(try tab.string("document.querySelector('h1').textContent").contains("19/04/2024 10:00 (GMT+7)"))
        // The map: one point per placed report, each a link to its report, no script anywhere
        let points = try tab.evaluate("document.querySelectorAll('svg.map a circle').length") as? Int ?? 0
        #expect(points == 130)  // 3 of the memo's reports have no position
        #expect(try tab.evaluate("document.querySelectorAll('script').length") as? Int == 0)
        try tab.screenshot("02-summary")
        try tab.phone()
        try tab.screenshot("03-summary-phone")
        try tab.desktop()

        // Drill down: the district's communes, then the commune's reports, then the verified report
        try tab.navigating(by: "document.querySelector('a[href^=\"/web/districts/tp-dien-bien-phu?\"]').click()")
        #expect(try tab.string("document.querySelector('h1').textContent").contains("Thành phố Điện Biên Phủ"))
        let communes = try Self.rows(tab, "table.overdue tbody tr")
        #expect(communes.contains { $0[1] == "Phường Him Lam" }, "\(communes)")
        try tab.navigating(by: "document.querySelector('a[href^=\"/web/districts/tp-dien-bien-phu/communes/phuong-him-lam\"]').click()")
        let reports = try Self.rows(tab, "table.reports tbody tr")
        #expect(reports.contains { $0[0] == "DB-2024-00003" }, "\(reports)")
        try tab.screenshot("04-reports")
        try tab.navigating(by: "[...document.querySelectorAll('table.reports a')].find(a => a.textContent === 'DB-2024-00003').click()")
        #expect(try tab.string("location.pathname") == "/web/reports/db-2024-00003")
        // Both photos show as thumbnails the browser decoded, with their evidence warnings
        let widths = try tab.evaluate("Promise.all([...document.querySelectorAll('.photos img')].map(i => i.decode().then(() => i.naturalWidth)))") as? [Int] ?? []
        #expect(widths.count == 2 && widths.allSatisfy { $0 > 0 }, "\(widths)")
        #expect(try tab.string("document.querySelector('.photos').textContent").contains("km"))
        // The verification's notes print as text, not markup
        #expect(try tab.string("document.querySelector('.timeline').textContent").contains("Đã kiểm tra <b>tại chỗ</b>"))
        // No reporter data for a supervisor: neither the name nor the phone appears anywhere on the page
        let page = try tab.string("document.body.innerText")
        #expect(!page.contains("0915000003") && !page.contains("Lường Thị Dung"))
        #expect(try tab.string("document.querySelector('dd.reporter').textContent").contains("được ẩn"))
        try tab.screenshot("05-report")

        // English on a switch, kept while browsing
        try tab.navigating(by: "document.querySelector('a.lang').click()")
        #expect(try tab.string("document.querySelector('dd.reporter').textContent").contains("hidden from your role"))
        try tab.navigate(world.url("/web?asOf=\(Self.asOf)"))
        #expect(try tab.string("document.querySelector('h1').textContent").hasPrefix("Overdue reports"))
        try tab.screenshot("06-summary-english")

        // Sign-out ends the session: the page asks for a sign-in again
        try tab.navigating(by: "document.querySelector('form.signout').submit()")
        #expect(try tab.string("location.pathname") == "/web/signin")
        try tab.navigate(world.url("/web"))
        #expect(try tab.string("location.pathname") == "/web/signin")

        // The hub, in a browser context of its own, sees the reporter's phone on the same report
        let hubTab = try browser.openTab()
        try Self.signIn(hubTab, world, token: world.hubToken)
        try hubTab.navigate(world.url("/web/reports/db-2024-00003"))
        #expect(try hubTab.string("document.querySelector('dd.reporter').textContent").contains("0915000003"))
    }
}
