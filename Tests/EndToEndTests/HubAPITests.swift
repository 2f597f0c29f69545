import Foundation
import OnSiteCore
import OnSiteRelayProcess
import Testing

/// The hub's read API on a real relay process over TLS, read with `curl` as another system would.
@Suite("End to end: the hub's read API", .serialized)
struct HubAPIEndToEndTests {
    @Test("curl reads the relay's CSV export (the same records as `onsite export`) and Open311 requests")
    func curlReadsExportsAndOpen311() async throws {
        // Given the memo's reports imported by the hub and pulled by a supervisor
        let seeded = try Seeded.memo()
        let (relay, supervisor, supervisorToken) = (seeded.relay, seeded.supervisor, seeded.supervisorToken)
        defer { relay.stop() }
        func curl(_ path: String) throws -> String {
            let result = try run(URL(fileURLWithPath: "/usr/bin/curl"), [
                "-sS", "--fail-with-body", "--cacert", relay.caCertificatePath, "-H", "Authorization: Bearer \(supervisorToken)",
                "\(relay.url)\(path)",
            ])
            #expect(result.status == 0, "\(path): \(result.combined)")
            return result.output
        }

        // When curl downloads the supervisor's CSV from the relay, and the supervisor exports its replica
        let relayCSV = try curl("/v1/export/reports.csv")
        let exported = try supervisor.onsite("export", "--format", "csv")
        try #require(exported.status == 0, "\(exported.combined)")

        // Then both hold the same header and the same 133 records, reporter data removed for the supervisor
        func records(_ text: String) -> [String] {
            text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        }
        let relayLines = records(relayCSV), clientLines = records(exported.output)
        #expect(relayLines.count == 134)
        #expect(relayLines.first == clientLines.first)
        #expect(Set(relayLines) == Set(clientLines))
        // (Program output is read as text, which drops a byte order mark: check the bytes in a file.)
        let file = relay.folder.appendingPathComponent("reports.csv")
        let download = try run(URL(fileURLWithPath: "/usr/bin/curl"), [
            "-sS", "--fail", "--cacert", relay.caCertificatePath, "-H", "Authorization: Bearer \(supervisorToken)",
            "-o", file.path, "\(relay.url)/v1/export/reports.csv",
        ])
        #expect(download.status == 0)
        #expect(Array(try Data(contentsOf: file).prefix(3)) == [0xEF, 0xBB, 0xBF], "the byte order mark Excel needs")

        // And Open311 serves the same reports as service requests, newest first, in pages
        let page = try curl("/open311/v2/requests.json?start_date=2024-02-01&end_date=2024-04-30&page_size=1000")
        let requests = try #require(try JSONSerialization.jsonObject(with: Data(page.utf8)) as? [[String: Any]])
        #expect(!requests.isEmpty)
        let received = requests.compactMap { $0["requested_datetime"] as? String }
        #expect(received == received.sorted(by: >))
        #expect(requests.allSatisfy { ($0["status"] as? String).map { ["open", "closed"].contains($0) } ?? false })
        let first = try #require(requests.first?["service_request_id"] as? String)
        let one = try curl("/open311/v2/requests/\(first).json")
        #expect(one.contains("\"service_request_id\":\"\(first)\""))
        let services = try curl("/open311/v2/services.json")
        #expect(services.contains("\"service_code\":\"an-toan-giao-thong\""))
    }
}
