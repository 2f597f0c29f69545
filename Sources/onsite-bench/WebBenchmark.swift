import ArgumentParser
import Foundation
import OnSiteClient
import OnSiteCore
import OnSiteRelayProcess
import OnSiteSync

/// The supervisor page's latency: N reports pushed by the hub to a real relay process over TLS, then each page
/// fetched by `curl` (one process, one kept-alive TLS connection, a signed-in session cookie), next to the raw
/// limits measured the same way in the same run: `/healthz` (a route that reads one number) and the stylesheet
/// (a static body).
struct WebBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "web",
        abstract: "Supervisor page benchmark: each page's latency at N reports over TLS on loopback, next to /healthz and a static file.")

    @Option(help: "Reports to push (spread over 5 districts and their communes, each forwarded, so deadlines count).") var reports = 10_000
    @Option(help: "Timed fetches of each page after the first.") var repeats = 20
    @Option(help: "Keep the working folder here instead of a temporary one.") var keep: String?

    func run() async throws {
        let folder = keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("onsite-bench-web-\(UUID().uuidString)")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { if keep == nil { try? FileManager.default.removeItem(at: folder) } }

        let relay = try RelayProcess(benchFolder: folder, pageSize: 1_000)
        let hubToken = try relay.addDevice(role: .hub, units: ["dien-bien"])
        let supervisorToken = try relay.addDevice(role: .supervisor, units: ["dien-bien"])
        try relay.start()
        defer { relay.stop() }
        let hub = try Replica(directory: folder.appendingPathComponent("hub"))
        let client = RelayClient(baseURL: relay.url, token: hubToken, caCertificatePath: relay.caCertificatePath)
        var counters = WireCounters()
        let profile = try await client.profile(counters: &counters)
        try await hub.enroll(Enrolment(relayURL: relay.url, token: hubToken, caCertificatePath: relay.caCertificatePath, profile: profile))
        let (changes, sample) = try Self.makeChanges(reports: reports)
        for batch in stride(from: 0, to: changes.count, by: 3_000) {
            try await hub.record(Array(changes[batch..<min(batch + 3_000, changes.count)]))
        }
        var engine = SyncEngine(replica: hub)
        engine.changeSetSize = 500
        var pushed = SyncReport()
        try await engine.push(client: try await engine.makeClient(), into: &pushed)
        print("relay: \(relay.url) (TLS), \(reports) reports pushed (\(pushed.operationsPushed) operations); \(repeats) timed fetches per page after the first")

        // Sign in as a person would: the token in a form body (from a file, never on a command line), the cookie kept.
        let jar = folder.appendingPathComponent("cookies.txt").path
        let form = folder.appendingPathComponent("signin.form")
        try Data("token=\(supervisorToken)".utf8).write(to: form)
        let signIn = try ProgramRun.run(URL(fileURLWithPath: "/usr/bin/curl"), [
            "-sS", "--cacert", relay.caCertificatePath, "-c", jar, "-o", "/dev/null", "-w", "%{http_code}",
            "-H", "Origin: \(relay.url)", "--data-binary", "@\(form.path)",
            "\(relay.url)/web/signin",
        ])
        guard signIn.output == "303" else { throw BenchError("sign-in answered \(signIn.output): \(signIn.error)") }

        let asOf = "asOf=2024-05-01T03:00:00Z"
        let pages: [(String, String)] = [
            ("/healthz (limit)", "/healthz"),
            ("/web/style.css (static limit)", "/web/style.css"),
            ("summary: table by district + map", "/web?\(asOf)"),
            ("district: table by commune + map", "/web/districts/\(sample.district)?\(asOf)"),
            ("commune: reports, page 1", "/web/districts/\(sample.district)/communes/\(sample.commune)?\(asOf)"),
            ("one report", "/web/reports/\(sample.report)?\(asOf)"),
        ]
        let pid = relay.processIdentifier ?? 0
        let pushedMemory = try ExportBenchmark.memory(pid, reset: false)
        print("")
        print("page                                 first ms   median ms   p95 ms   max ms     bytes   status")
        func time(_ name: String, _ path: String) throws {
            let times = try curl(path, times: repeats + 1, relay: relay, jar: jar)
            let first = times[0], rest = times.dropFirst().map(\.seconds).sorted()
            let median = rest[rest.count / 2], p95 = rest[min(rest.count - 1, Int(Double(rest.count) * 0.95))]
            print(name.padding(toLength: 35, withPad: " ", startingAt: 0)
                  + String(format: " %9.1f %11.1f %8.1f %8.1f %9d   %@", first.seconds * 1000, median * 1000, p95 * 1000,
                           (rest.last ?? 0) * 1000, first.bytes, first.status))
        }
        for (name, path) in pages { try time(name, path) }
        let pagesMemory = try ExportBenchmark.memory(pid, reset: false)
        // One more write (a note on one report): the next summary refreshes only that report.
        try await hub.record([(.addEvent(Event(reportId: sample.report, actor: "IOC", at: Date(), action: "note", detail: "Đã kiểm tra lại.")), sample.report)])
        var again = SyncReport()
        try await engine.push(client: try await engine.makeClient(), into: &again)
        try time("summary after one more write", "/web?\(asOf)")
        try time("summary at the current minute", "/web")
        print("")
        print("first: the first fetch after the push (the relay decodes the scope's records once per server version,"
              + " then only the changed ones); median/p95/max: the \(repeats) fetches after it; curl's time_total per URL"
              + " on one kept-alive TLS connection. target: every page under 200 ms at 10000 reports")
        print(String(format: "relay memory: %.1f MB resident after the push, %.1f MB after the pages (peak %.1f MB)",
                     Double(pushedMemory.resident) / 1e6, Double(pagesMemory.resident) / 1e6, Double(pagesMemory.peak) / 1e6))
    }

    /// `curl`'s time for each of `times` fetches of `path` in one process (one kept-alive connection).
    private func curl(_ path: String, times: Int, relay: RelayProcess, jar: String) throws -> [(seconds: Double, bytes: Int, status: String)] {
        var arguments = ["-sS", "--cacert", relay.caCertificatePath, "-b", jar, "-w", "%{time_total} %{size_download} %{http_code}\\n"]
        for _ in 0..<times { arguments += ["-o", "/dev/null", relay.url + path] }
        let run = try ProgramRun.run(URL(fileURLWithPath: "/usr/bin/curl"), arguments)
        guard run.status == 0 else { throw BenchError("curl \(path) failed (\(run.status)): \(run.error)") }
        let lines = run.output.split(separator: "\n").map { $0.split(separator: " ") }
        let figures = lines.compactMap { parts -> (Double, Int, String)? in
            guard parts.count == 3, let seconds = Double(parts[0]), let bytes = Int(parts[1]) else { return nil }
            return (seconds, bytes, String(parts[2]))
        }
        guard figures.count == times, figures.allSatisfy({ $0.2 == "200" }) else {
            throw BenchError("curl \(path): expected \(times) answers 200, got \(run.output)")
        }
        return figures
    }

    /// Each report created by the hub with its forwarding event (so its handling deadline counts), spread over five
    /// districts and their communes; returns a district, commune and report to time the drill-down pages with.
    static func makeChanges(reports: Int) throws -> (changes: [(Change, String)], sample: (district: String, commune: String, report: String)) {
        let units = try BuiltInCatalogue.units()
        let districts = ["tp-dien-bien-phu", "huyen-dien-bien", "huyen-tuan-giao", "huyen-muong-cha", "huyen-nam-po"]
        let communes = districts.map { district in units.units(at: .commune, under: district).map(\.code) }
        var changes: [(Change, String)] = []
        changes.reserveCapacity(reports * 2)
        let received = Date(timeIntervalSince1970: 1_713_312_000)
        for index in 0..<reports {
            let id = String(format: "bench-%06d", index)
            let district = districts[index % districts.count]
            let inDistrict = communes[index % districts.count]
            let commune = inDistrict.isEmpty ? nil : inDistrict[(index / districts.count) % inDistrict.count]
            let at = received.addingTimeInterval(Double(index) * 60)
            let report = Report(
                id: id, code: String(format: "DB-2024-%06d", index), title: "Phản ánh hiện trường số \(index)",
                description: "Mặt đường bị hư hỏng, đề nghị kiểm tra và xử lý.", category: "ha-tang-do-thi",
                location: GeoPoint(latitude: 21.2 + Double(index % 400) / 1_000, longitude: 102.9 + Double(index / 400 % 300) / 1_000),
                address: "Tổ \(index % 30)", area: AdministrativeArea(province: "dien-bien", district: district, commune: commune),
                reporter: Reporter(name: "Người dân \(index)", phone: "09123\(String(format: "%05d", index))"),
                receivedAt: at, status: .forwarded, assignedUnit: district)
            changes.append((.createReport(report), id))
            changes.append((.addEvent(Event(reportId: id, actor: "IOC", at: WireDate.rounded(at.addingTimeInterval(3_600)),
                                            action: EventVocabulary.transition(to: .forwarded), detail: district)), id))
        }
        return (changes, (districts[0], communes[0].first ?? "-", "bench-000000"))
    }
}
