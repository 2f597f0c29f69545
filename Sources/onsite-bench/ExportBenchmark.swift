import ArgumentParser
import Foundation
import OnSiteClient
import OnSiteRelayProcess
import OnSiteSync

/// The hub's exports at scale: seeds N reports into a real relay process (pushed by a hub replica over TLS), then
/// downloads `/v1/export/reports.csv` and `.geojson` with `curl` and reads the relay's resident memory around each
/// download (peak reset before it, `/proc/PID/clear_refs`), next to the export's size: a streamed export's peak
/// stays near a batch's worth however large the export. Its limit in the same run: reading the same records
/// whole from the relay's SQLite file, with nothing encoded or sent.
struct ExportBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export benchmark: CSV and GeoJSON of N reports from a real onsite-relay over TLS, time and relay memory.")

    @Option(help: "Reports to seed.") var reports = 10_000
    @Option(help: "Keep the working folder here instead of a temporary one.") var keep: String?

    func run() async throws {
        let folder = keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("onsite-bench-\(UUID().uuidString)")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { if keep == nil { try? FileManager.default.removeItem(at: folder) } }

        let relay = try RelayProcess(benchFolder: folder, pageSize: 1_000)
        let hubToken = try relay.addDevice(role: .hub, units: ["dien-bien"])
        try relay.start()
        defer { relay.stop() }
        guard let pid = relay.processIdentifier else { throw BenchError("the relay process has no id") }
        print("relay: \(relay.url) (TLS, pinned CA), pid \(pid), seeding \(reports) reports")

        // Seed: the hub records and pushes the reports (3 operations each).
        let hub = try Replica(directory: folder.appendingPathComponent("hub"))
        let client = RelayClient(baseURL: relay.url, token: hubToken, caCertificatePath: relay.caCertificatePath)
        var counters = WireCounters()
        let profile = try await client.profile(counters: &counters)
        try await hub.enroll(Enrolment(relayURL: relay.url, token: hubToken, caCertificatePath: relay.caCertificatePath, profile: profile))
        let changes = SyncBenchmark.makeChanges(reports: reports)
        for batch in stride(from: 0, to: changes.count, by: 3_000) {
            try await hub.record(Array(changes[batch..<min(batch + 3_000, changes.count)]))
        }
        let engine = SyncEngine(replica: hub)
        var pushed = SyncReport()
        try await engine.push(client: try await engine.makeClient(), into: &pushed)

        // Limit: the same records read whole from SQLite.
        let readStart = ContinuousClock.now
        let stored = try SQLiteLimit.read(table: "report", from: relay.folder.appendingPathComponent("data/relay.sqlite").path)
        let readSeconds = (ContinuousClock.now - readStart).seconds

        print("")
        print("what                                  seconds       size   relay RSS before   relay peak RSS   peak - before")
        print(Self.line("SQLite read of \(stored.rows.count) records (limit)", readSeconds, stored.bytes))
        for format in ["csv", "geojson"] {
            let before = try Self.memory(pid, reset: true)
            let output = folder.appendingPathComponent("reports.\(format)")
            let start = ContinuousClock.now
            let run = try ProgramRun.run(URL(fileURLWithPath: "/usr/bin/curl"), [
                "-sS", "--fail", "--cacert", relay.caCertificatePath, "-H", "Authorization: Bearer \(hubToken)",
                "-o", output.path, "-w", "%{size_download}", "\(relay.url)/v1/export/reports.\(format)",
            ])
            let seconds = (ContinuousClock.now - start).seconds
            guard run.status == 0 else { throw BenchError("curl of the \(format) export failed (\(run.status)): \(run.error)") }
            let after = try Self.memory(pid, reset: false)
            let bytes = Int(run.output) ?? 0
            print(Self.line("/v1/export/reports.\(format) by curl", seconds, bytes)
                + String(format: " %15.1f MB %13.1f MB %12.1f MB", Self.megabytes(before.resident), Self.megabytes(after.peak),
                         Self.megabytes(after.peak - before.resident)))
        }
    }

    /// The relay's resident and peak resident memory in bytes (VmRSS, VmHWM); `reset` first sets the peak to the
    /// current resident size (writing 5 to `/proc/PID/clear_refs`).
    static func memory(_ pid: Int32, reset: Bool) throws -> (resident: Int, peak: Int) {
        if reset { try Data("5".utf8).write(to: URL(fileURLWithPath: "/proc/\(pid)/clear_refs")) }
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        func kilobytes(_ key: String) -> Int {
            let line = status.split(separator: "\n").first { $0.hasPrefix(key + ":") } ?? ""
            return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
        }
        return (kilobytes("VmRSS"), kilobytes("VmHWM"))
    }

    static func megabytes(_ bytes: Int) -> Double { Double(bytes) / 1_000_000 }

    static func line(_ what: String, _ seconds: Double, _ bytes: Int) -> String {
        what.padding(toLength: 36, withPad: " ", startingAt: 0) + String(format: " %8.2f %7.1f MB", seconds, megabytes(bytes))
    }
}
