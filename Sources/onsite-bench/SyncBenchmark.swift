import ArgumentParser
import Foundation
import OnSiteRelayProcess
import OnSiteClient
import OnSiteCore
import OnSiteCrypto
import OnSiteSync

/// Pushes N reports' worth of operations from one device to a relay over TLS on loopback, pulls them cold into
/// a fresh replica (a snapshot), changes 1% of the reports and pulls again; prints each phase next to the limits
/// measured in the same run on the same data (a raw SQLite bulk insert of the same rows, a raw `curl` of the same pages).
struct SyncBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Sync benchmark: push, cold pull and incremental pull over TLS on loopback against a real onsite-relay process, with their limits.")

    @Option(help: "Reports to create; each brings 3 operations (create, field edit, note).") var reports = 10_000
    @Option(help: "Operations per change set.") var changeSetSize = 500
    @Option(help: "Entries per pull page.") var pageSize = 1_000
    @Option(help: "Records for the JSON against binary property list comparison (0: skip it).") var formatSample = 20_000
    @Option(help: "Keep the working folder here instead of a temporary one.") var keep: String?
    @Option(help: "Instead: the photo upload benchmark with a photo of this many megabytes (e.g. 200), onsite vs curl.") var photos: Int?
    @Option(help: "With --photos: the client's chunk sizes to try, in KiB.") var chunkKib: [Int] = [1024, 16384]
    @Option(help: "Whether the devices register keys and sign their operations (on), or send them unsigned as devices from before signatures (off).")
    var signatures: SignatureMode = .on

    enum SignatureMode: String, ExpressibleByArgument { case on, off }

    func run() async throws {
        let folder = keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("onsite-bench-\(UUID().uuidString)")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { if keep == nil { try? FileManager.default.removeItem(at: folder) } }
        if let photos {
            return try await PhotoBenchmark(megabytes: photos, chunkSizes: chunkKib.map { $0 << 10 }, folder: folder).run()
        }

        let relay = try RelayProcess(benchFolder: folder, pageSize: pageSize)
        let hubToken = try relay.addDevice(role: .hub, units: ["dien-bien"])
        let readerToken = try relay.addDevice(role: .supervisor, units: ["dien-bien"])
        try relay.start()
        defer { relay.stop() }
        print("relay: \(relay.url) (TLS, pinned CA), \(reports) reports, \(changeSetSize) operations per change set, \(pageSize) per page, signatures \(signatures.rawValue)")
        let limits = folder.appendingPathComponent("limits")
        try FileManager.default.createDirectory(at: limits, withIntermediateDirectories: true)
        let curl = CurlLimit(relay: relay, token: readerToken, pageSize: pageSize)

        // Local writes on the pushing device
        let hub = try await Self.enrolledReplica(in: folder.appendingPathComponent("hub"), relay: relay, token: hubToken)
        let changes = Self.makeChanges(reports: reports)
        let writeStart = ContinuousClock.now
        for batch in stride(from: 0, to: changes.count, by: 3_000) {
            try await hub.record(Array(changes[batch..<min(batch + 3_000, changes.count)]))
        }
        let writeSeconds = (ContinuousClock.now - writeStart).seconds

        // Push; its limit: the same log rows inserted into the relay's log table
        var engine = SyncEngine(replica: hub)
        engine.signsOperations = signatures == .on
        engine.changeSetSize = changeSetSize
        engine.pageSize = pageSize
        var pushed = SyncReport()
        try await engine.push(client: try await engine.makeClient(), into: &pushed)
        let log = try SQLiteLimit.read(table: "log", from: relay.folder.appendingPathComponent("data/relay.sqlite").path)
        let logInsert = try SQLiteLimit.insert(log, table: "log", into: limits.appendingPathComponent("log.sqlite").path)

        // Cold pull into a fresh replica; its limits: the same report rows inserted, the same pages by curl
        let reader = try await Self.enrolledReplica(in: folder.appendingPathComponent("reader"), relay: relay, token: readerToken)
        var readerEngine = SyncEngine(replica: reader)
        readerEngine.pageSize = pageSize
        var cold = SyncReport()
        try await readerEngine.pull(client: try await readerEngine.makeClient(), into: &cold)
        let coldCurl = try await curl.download(from: 0)
        let readerPath = folder.appendingPathComponent("reader/replica.sqlite").path
        let coldRows = try SQLiteLimit.read(table: "report", from: readerPath)
        let coldInsert = try SQLiteLimit.insert(coldRows, table: "report", into: limits.appendingPathComponent("cold.sqlite").path)
        try await Self.checkSame(reader, as: hub, reports: reports)

        // 1% of the reports change on the hub; the reader pulls them incrementally
        let changed = stride(from: 0, to: reports, by: 100).map { String(format: "bench-%06d", $0) }
        try await hub.record(changed.map { (.setField(.description, .text("Đã kiểm tra lại hiện trường, mặt đường đã được vá.")), $0) })
        var second = SyncReport()
        try await engine.push(client: try await engine.makeClient(), into: &second)
        let since = try await reader.status().cursor
        var incremental = SyncReport()
        try await readerEngine.pull(client: try await readerEngine.makeClient(), into: &incremental)
        let incrementalCurl = try await curl.download(from: since)
        var changedRows = try SQLiteLimit.read(table: "report", from: readerPath)
        let changedIds = Set(changed)
        changedRows.rows = changedRows.rows.filter { row in String.fromDatabaseValue(row[0]).map(changedIds.contains) ?? false }
        let incrementalInsert = try SQLiteLimit.insert(changedRows, table: "report", into: limits.appendingPathComponent("incremental.sqlite").path)
        try await Self.checkSame(reader, as: hub, reports: reports)

        let table = BenchTable(rows: [
            .init(phase: "local writes", unit: "ops", count: changes.count, seconds: writeSeconds),
            .init(phase: "push", unit: "ops", count: pushed.operationsPushed, seconds: pushed.pushSeconds, wire: pushed.push,
                  sqliteSeconds: logInsert),
            .init(phase: "cold pull", unit: "reports", count: reports, seconds: cold.pullSeconds, wire: cold.pull,
                  sqliteSeconds: coldInsert, curl: coldCurl),
            .init(phase: "incremental pull (1%)", unit: "reports", count: changed.count, seconds: incremental.pullSeconds,
                  wire: incremental.pull, sqliteSeconds: incrementalInsert, curl: incrementalCurl),
        ])
        table.print()
        print("")
        print("cold pull: a snapshot of \(cold.recordsPulled) records (\(cold.entriesPulled) log entries) in \(cold.pagesPulled) pages; \(String(format: "%.0f", Double(cold.pull.bytesReceived) / Double(reports))) wire bytes per report"
              + " (curl: \(coldCurl.bytes) body bytes in \(coldCurl.pages) pages); \(cold.pull.connections) TLS connection(s)")
        print("incremental pull: \(incremental.entriesPulled) entries, \(String(format: "%.3f", incremental.pullSeconds)) s;"
              + " push of the change: \(second.operationsPushed) ops in \(String(format: "%.3f", second.pushSeconds)) s")
        print("limits: SQLite = the same rows (\(log.rows.count) log rows; \(coldRows.rows.count) report rows) bulk-inserted into the same table"
              + " with the same indexes, one prepared statement, one transaction, WAL, synchronous=FULL; curl = the same pages, one process, gzip")
        print("targets: push ≥ 10000 ops/s; cold pull ≥ 20000 reports/s and ≤ 250 wire bytes/report; incremental pull of 1% ≤ 0.3 s (at 100000 reports)")

        if formatSample > 0 {
            let records = Array(try await reader.allRecords().prefix(formatSample))
            print("")
            print("record column, \(records.count) records, one at a time   bytes/record   encode µs/record   decode µs/record")
            for figures in try RecordFormats.measure(records) {
                let count = Double(records.count)
                print(figures.name.padding(toLength: 48, withPad: " ", startingAt: 0)
                      + String(format: "%14.0f %18.1f %18.1f", Double(figures.bytes) / count,
                               figures.encodeSeconds / count * 1e6, figures.decodeSeconds / count * 1e6))
            }
        }
    }

    static func enrolledReplica(in directory: URL, relay: RelayProcess, token: String) async throws -> Replica {
        let replica = try Replica(directory: directory)
        let client = RelayClient(baseURL: relay.url, token: token, caCertificatePath: relay.caCertificatePath)
        var counters = WireCounters()
        let profile = try await client.profile(counters: &counters)
        try await replica.enroll(Enrolment(relayURL: relay.url, token: token, caCertificatePath: relay.caCertificatePath, profile: profile))
        return replica
    }

    /// The pulled replica holds every report, equal to the pushing device's as its role may see them, and finds them by search.
    static func checkSame(_ reader: Replica, as hub: Replica, reports: Int) async throws {
        // The reader is a supervisor: reporters come to it redacted.
        let pulled = try await reader.allRecords()
        let pushed = try await hub.allRecords().map { Redaction.redacted($0, for: .supervisor) }
        guard pulled.count == reports, pulled == pushed else {
            throw ValidationError("the pull did not bring everything back: \(pulled.count) reports, equal to the hub's: \(pulled == pushed)")
        }
        let found = try await reader.reports(matching: ReportQuery(search: "muong thanh", limit: reports)).count
        guard found == reports else { throw ValidationError("a search for “muong thanh” found \(found) of \(reports) reports") }
    }

    /// Three operations per report: the hub creates it, corrects its address, and adds a note.
    static func makeChanges(reports: Int) -> [(Change, String)] {
        let districts = ["tp-dien-bien-phu", "huyen-dien-bien", "huyen-tuan-giao", "huyen-muong-cha", "huyen-nam-po"]
        var changes: [(Change, String)] = []
        changes.reserveCapacity(reports * 3)
        let received = Date(timeIntervalSince1970: 1_713_312_000)
        for index in 0..<reports {
            let id = String(format: "bench-%06d", index)
            let report = Report(
                id: id, code: String(format: "DB-2024-%06d", index), title: "Phản ánh hiện trường số \(index)",
                description: "Mặt đường bị hư hỏng, đề nghị kiểm tra và xử lý. Người dân đi lại khó khăn vào mùa mưa.",
                category: "ha-tang-do-thi", location: GeoPoint(latitude: 21.38 + Double(index % 100) / 1_000, longitude: 103.01),
                address: "Tổ \(index % 30), phường Mường Thanh", area: AdministrativeArea(province: "dien-bien", district: districts[index % districts.count]),
                reporter: Reporter(name: "Người dân \(index)", phone: "09123\(String(format: "%05d", index))"),
                receivedAt: received.addingTimeInterval(Double(index) * 60), status: .forwarded, assignedUnit: districts[index % districts.count])
            changes.append((.createReport(report), id))
            changes.append((.setField(.address, .text("Tổ \(index % 30 + 1), phường Mường Thanh")), id))
            changes.append((.addNote(Note(author: "IOC", at: WireDate.rounded(received), text: "Đã chuyển xử lý")), id))
        }
        return changes
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
