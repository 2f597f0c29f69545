import ArgumentParser
import Foundation
import GRDB
import Histogram
import OnSiteClient
import OnSiteCore
import OnSiteRelayProcess
import OnSiteSync

/// Many devices pushing at once (issue 13): each device holds one kept-alive TLS connection, pushes a change set of
/// small notes as soon as the previous one is acknowledged, and pulls one page between pushes. At the end every
/// acknowledged operation is looked up in the relay's log: it must be there exactly once.
struct LoadBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load benchmark: N concurrent devices push and pull against a real onsite-relay process over TLS on loopback; prints operations/s, push latency percentiles and the check that nothing was lost or duplicated.")

    @Option(help: "Concurrent devices (officers, spread over 5 districts).") var devices = 200
    @Option(help: "Seconds of load.") var seconds = 30
    @Option(help: "Operations (notes) per change set.") var operations = 10
    @Option(help: "Reports the hub creates before the load, spread over the districts.") var reports = 1_000
    @Flag(name: .customLong("pulls"), inversion: .prefixedNo, help: "Pull one page between pushes (--no-pulls: push only, to see the push path alone).")
    var pullsBetweenPushes = true
    @Option(name: .customLong("push-every"), help: "Seconds between one device's pushes, on a schedule (open loop: 200 devices at 10 s is 20 change sets/s); 0 pushes as soon as the previous answer returns (closed loop).")
    var pushEvery: Double = 0
    @Option(help: "Keep the working folder here instead of a temporary one.") var keep: String?
    @Option(help: "Run the relays on this PostgreSQL database (postgresql://USER@HOST:PORT/DATABASE, empty; read back with psql for the check) instead of SQLite.")
    var store: String?
    @Option(help: "Relay processes on the one PostgreSQL database (--store) and one data folder; devices are spread over them round-robin.")
    var relays = 1
    @Option(parsing: .upToNextOption, help: "Extra configuration for the relay, as JSON members (e.g. '\"log\": {\"retainDays\": 1}').")
    var relayConfiguration: [String] = []

    func validate() throws {
        guard (1...2_000).contains(devices) else { throw ValidationError("--devices must be 1 to 2000.") }
        guard (1...3_600).contains(seconds) else { throw ValidationError("--seconds must be 1 to 3600.") }
        guard (1...1_000).contains(operations) else { throw ValidationError("--operations must be 1 to 1000.") }
        guard reports >= 5 else { throw ValidationError("--reports must be at least 5 (one per district).") }
        guard (1...16).contains(relays) else { throw ValidationError("--relays must be 1 to 16.") }
        guard relays == 1 || store != nil else { throw ValidationError("--relays \(relays) needs --store postgresql://…: relays share a PostgreSQL database, never a SQLite file.") }
        if let store, !(store.hasPrefix("postgresql://") || store.hasPrefix("postgres://")) {
            throw ValidationError("--store must be a postgresql:// URL of an empty database.")
        }
        guard pushEvery == 0 || (0.01...3_600).contains(pushEvery) else { throw ValidationError("--push-every must be 0 or 0.01 to 3600 seconds.") }
    }

    func run() async throws {
        let folder = keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("onsite-load-\(UUID().uuidString)")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { if keep == nil { try? FileManager.default.removeItem(at: folder) } }

        let members = relayConfiguration + (store.map { [#""store": ""# + $0 + #"""#] } ?? [])
        let relay = try RelayProcess(benchFolder: folder, pageSize: 500, extra: members)
        // More relays on the same database and data folder, serving the first one's certificate.
        let others = try (1..<relays).map { index in
            try RelayProcess(benchFolder: folder.appendingPathComponent("relay-\(index)"), pageSize: 500, sharingWith: relay, extra: members)
        }
        let allRelays = [relay] + others
        for process in allRelays { process.openFileLimit = max(4_096, devices * 4) }
        let hubToken = try relay.addDevice(role: .hub, units: ["dien-bien"])
        let districts = LoadDevice.districts
        print("enrolling \(devices) devices…")
        var tokens: [(token: String, district: String)] = []
        for index in 0..<devices {
            let district = districts[index % districts.count]
            tokens.append((try relay.addDevice(role: "officer", name: "bench officer \(index)", units: [district]), district))
        }
        for process in allRelays { try process.start() }
        defer { for process in allRelays { process.stop() } }
        print("relay\(relays == 1 ? "" : "s"): \(allRelays.map(\.url).joined(separator: ", ")) (TLS, pinned CA) on \(store == nil ? "SQLite" : "PostgreSQL"); \(devices) devices\(relays == 1 ? "" : " round-robin"), \(operations) notes per change set, \(seconds) s"
              + (pullsBetweenPushes ? ", one pull page between pushes" : ", no pulls"))

        // The hub creates the reports the officers write notes on.
        let hub = try await SyncBenchmark.enrolledReplica(in: folder.appendingPathComponent("hub"), relay: relay, token: hubToken)
        try await hub.record(SyncBenchmark.makeChanges(reports: reports))
        let hubEngine = SyncEngine(replica: hub)
        var seeded = SyncReport()
        try await hubEngine.push(client: try await hubEngine.makeClient(), into: &seeded)
        let reportIds = (0..<reports).map { String(format: "bench-%06d", $0) }

        // Every device reads its profile and pulls its district's reports once, as an enrolled device would.
        print("first pull on every device…")
        var loadDevices: [LoadDevice] = []
        for (index, entry) in tokens.enumerated() {
            let target = allRelays[index % allRelays.count]
            let client = RelayClient(baseURL: target.url, token: entry.token, caCertificatePath: target.caCertificatePath)
            let reportsOfDistrict = reportIds.enumerated().filter { $0.offset % districts.count == districts.firstIndex(of: entry.district) }.map(\.element)
            loadDevices.append(try await LoadDevice(index: index, client: client, reportIds: reportsOfDistrict, notesPerChangeSet: operations))
        }

        let interval = pushEvery > 0 ? Duration.milliseconds(Int64(pushEvery * 1_000)) : nil
        print("load for \(seconds) s, " + (interval == nil ? "each device pushing as soon as its previous answer returns (closed loop)…"
                                         : "each device pushing once every \(pushEvery) s (open loop, \(String(format: "%.1f", Double(devices) / pushEvery)) change sets/s offered)…"))
        let deadline = ContinuousClock.now + .seconds(seconds)
        let start = ContinuousClock.now
        let account = CPUAccount(relayProcesses: allRelays.compactMap(\.processIdentifier))
        let outcomes = try await withThrowingTaskGroup(of: LoadDevice.Outcome.self) { group in
            for device in loadDevices {
                group.addTask { try await device.run(until: deadline, pulling: pullsBetweenPushes, pushEvery: interval) }
            }
            var all: [LoadDevice.Outcome] = []
            for try await outcome in group { all.append(outcome) }
            return all
        }
        let elapsed = (ContinuousClock.now - start).seconds
        let processorTime = account.elapsed()
        for process in allRelays { process.stop() }

        let check = try store.map { try LoadCheck.verify(outcomes, postgresURL: $0) }
            ?? LoadCheck.verify(outcomes, relayDatabase: relay.folder.appendingPathComponent("data/relay.sqlite").path)
        var latency = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
        var pulls = 0
        var pulled = 0
        var failures = 0
        var rejected = 0
        for outcome in outcomes {
            rejected += outcome.rejected
            for micros in outcome.pushMicros { latency.record(micros) }
            pulls += outcome.pulls
            pulled += outcome.entriesPulled
            failures += outcome.failures
        }
        let changeSets = outcomes.reduce(0) { $0 + $1.pushMicros.count }
        let commitLimit = try SQLiteLimit.commitsPerSecond(rowsPerCommit: operations, seconds: 2,
                                                           in: folder.appendingPathComponent("commit-limit.sqlite").path)
        let postgresLimit = try store.map { try PostgresLimit.commitsPerSecond(rowsPerCommit: operations, seconds: 3, url: $0, scratch: folder) }
        func ms(_ percentile: Double) -> String { String(format: "%.1f ms", Double(latency.valueAtPercentile(percentile)) / 1_000) }
        print("")
        print("devices \(devices), \(String(format: "%.1f", elapsed)) s: \(changeSets) change sets, \(check.acknowledged) operations acknowledged, \(rejected) refused")
        print("throughput: \(String(format: "%.0f", Double(check.acknowledged) / elapsed)) operations/s, \(String(format: "%.0f", Double(changeSets) / elapsed)) change sets/s")
        print("push latency" + (interval == nil ? "" : " (from when each push was due)") + ": p50 \(ms(50)), p95 \(ms(95)), p99 \(ms(99)), max \(String(format: "%.1f ms", Double(latency.max) / 1_000))")
        if interval == nil {
            // Little's law: in a closed loop every device waits for all the others, so the latency is the
            // devices over the throughput, whatever the relay does per request.
            print("closed loop: \(devices) devices / \(String(format: "%.0f", Double(changeSets) / elapsed)) change sets/s = \(String(format: "%.0f", Double(devices) / max(Double(changeSets) / elapsed, 0.001) * 1_000)) ms per cycle (push and pull) for each device")
        }
        print("pulls between pushes: \(pulls) pages, \(pulled) entries; failed exchanges retried: \(failures)")
        printProcessorTime(processorTime, changeSets: changeSets, pulled: pulled, closedLoop: interval == nil)
        print("check: \(check.lost) lost, \(check.duplicated) duplicated, \(check.unexpected) in the log but never acknowledged")
        print("limit: raw SQLite, one durable commit per change set of \(operations) rows (WAL, synchronous=FULL), one writer: \(String(format: "%.0f", commitLimit)) commits/s")
        if let postgresLimit {
            print("limit: raw PostgreSQL (pgbench, 8 connections), one durable transaction per change set of \(operations) rows behind one locked row: \(String(format: "%.0f", postgresLimit)) commits/s")
        }
        print("target: 200 devices, 0 lost, 0 duplicated, push p99 ≤ 250 ms")
        guard check.lost == 0, check.duplicated == 0 else {
            throw ValidationError("the relay lost \(check.lost) or duplicated \(check.duplicated) acknowledged operations")
        }
    }

    /// Where the processor time went, and what it means for the closed loop's latency target.
    private func printProcessorTime(_ time: CPUAccount.Times, changeSets: Int, pulled: Int, closedLoop: Bool) {
        let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
        let others = max(0, time.machineBusy - time.relays - time.loadGenerator)
        let busy = time.machineTotal > 0 ? time.machineBusy / time.machineTotal * 100 : 0
        print("processor time during the load (\(Int(cores)) cores, machine \(String(format: "%.0f", busy))% busy): relay\(relays == 1 ? "" : "s") \(String(format: "%.1f", time.relays)) s, load generator \(String(format: "%.1f", time.loadGenerator)) s, the rest (\(store == nil ? "" : "PostgreSQL, ")system) \(String(format: "%.1f", others)) s")
        guard changeSets > 0 else { return }
        let relayMillis = time.relays / Double(changeSets) * 1_000
        let storeMillis = (time.relays + (store == nil ? 0 : others)) / Double(changeSets) * 1_000
        let ceiling = cores * 1_000 / storeMillis
        print("per change set (\(operations) notes, and the pull of \(pulled / changeSets) entries after it): relay \(String(format: "%.2f", relayMillis)) ms"
              + (store == nil ? "" : ", relay and PostgreSQL \(String(format: "%.2f", storeMillis)) ms")
              + " of processor time: \(Int(cores)) cores serve at most \(String(format: "%.0f", ceiling)) change sets/s at that cost, with no load generator")
        if closedLoop {
            // A device's cycle (push, then pull) is at least its push, so a p99 of 250 ms needs at least
            // devices / 0.25 s cycles a second, each pulling more the faster the others write.
            print("a closed loop of \(devices) devices with every push within 250 ms needs at least \(devices * 4) change sets/s (Little's law)")
        }
    }
}
