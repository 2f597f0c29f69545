import ArgumentParser
import Foundation
import OnSiteRelayProcess
import OnSiteClient
import OnSiteCore
import OnSiteCrypto
import OnSiteSync

/// Pushes N reports' worth of operations from one device to a relay over TLS on loopback, then pulls
/// them cold into a fresh replica, and prints throughput and bytes on the wire for each phase.
struct SyncBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Sync benchmark: push then cold pull over TLS on loopback, against a real onsite-relay process.")

    @Option(help: "Reports to create; each brings 3 operations (create, field edit, note).") var reports = 10_000
    @Option(help: "Operations per change set.") var changeSetSize = 500
    @Option(help: "Entries per pull page.") var pageSize = 1_000
    @Option(help: "Keep the working folder here instead of a temporary one.") var keep: String?
    @Option(help: "Instead: the photo upload benchmark with a photo of this many megabytes (e.g. 200), onsite vs curl.") var photos: Int?
    @Option(help: "With --photos: the client's chunk sizes to try, in KiB.") var chunkKib: [Int] = [1024, 16384]

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
        print("relay: \(relay.url) (TLS, pinned CA), \(reports) reports, \(changeSetSize) operations per change set, \(pageSize) per page")

        // Local writes on the pushing device
        let hub = try await enrolledReplica(in: folder.appendingPathComponent("hub"), relay: relay, token: hubToken)
        let changes = Self.makeChanges(reports: reports)
        let writeStart = ContinuousClock.now
        for batch in stride(from: 0, to: changes.count, by: 3_000) {
            try await hub.record(Array(changes[batch..<min(batch + 3_000, changes.count)]))
        }
        let writeSeconds = (ContinuousClock.now - writeStart).seconds

        // Push
        var engine = SyncEngine(replica: hub)
        engine.changeSetSize = changeSetSize
        engine.pageSize = pageSize
        var pushed = SyncReport()
        try await engine.push(client: try await engine.makeClient(), into: &pushed)

        // Cold pull into a fresh replica
        let reader = try await enrolledReplica(in: folder.appendingPathComponent("reader"), relay: relay, token: readerToken)
        var readerEngine = SyncEngine(replica: reader)
        readerEngine.pageSize = pageSize
        var pulled = SyncReport()
        try await readerEngine.pull(client: try await readerEngine.makeClient(), into: &pulled)
        let pulledReports = try await reader.status().reportCount

        let rows = [
            Row(phase: "local writes", operations: changes.count, seconds: writeSeconds, requests: 0, sent: 0, received: 0),
            Row(phase: "push", operations: pushed.operationsPushed, seconds: pushed.pushSeconds,
                requests: pushed.push.requests, sent: pushed.push.bytesSent, received: pushed.push.bytesReceived),
            // A first pull is a snapshot: one record per report (protocol 2), so its rate is in reports.
            Row(phase: "cold pull", operations: pulled.recordsPulled, seconds: pulled.pullSeconds,
                requests: pulled.pull.requests, sent: pulled.pull.bytesSent, received: pulled.pull.bytesReceived),
        ]
        print("")
        print("phase         operations   seconds      ops/s   requests     bytes sent   bytes received   bytes/op")
        for row in rows { print(row.line) }
        print("")
        print("pulled replica holds \(pulledReports) reports; applied \(pushed.operationsApplied) of \(pushed.operationsPushed) pushed operations")
        guard pulledReports == reports, pulled.recordsPulled == reports else {
            throw ValidationError("the cold pull did not bring everything back (\(pulledReports) reports stored, \(pulled.recordsPulled) received)")
        }
    }

    func enrolledReplica(in directory: URL, relay: RelayProcess, token: String) async throws -> Replica {
        let replica = try Replica(directory: directory)
        let client = RelayClient(baseURL: relay.url, token: token, caCertificatePath: relay.caCertificatePath)
        var counters = WireCounters()
        let profile = try await client.profile(counters: &counters)
        try await replica.enroll(Enrolment(relayURL: relay.url, token: token, caCertificatePath: relay.caCertificatePath, profile: profile))
        return replica
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

struct Row {
    var phase: String
    var operations: Int
    var seconds: Double
    var requests: Int
    var sent: Int
    var received: Int

    var line: String {
        let rate = seconds > 0 ? Double(operations) / seconds : 0
        let perOp = operations > 0 && requests > 0 ? Double(sent + received) / Double(operations) : 0
        return [
            phase.padding(toLength: 12, withPad: " ", startingAt: 0),
            pad(operations, 11), pad(String(format: "%.2f", seconds), 9), pad(String(format: "%.0f", rate), 10),
            pad(requests, 10), pad(sent, 14), pad(received, 16), pad(requests > 0 ? String(format: "%.0f", perOp) : "-", 10),
        ].joined(separator: " ")
    }

    private func pad(_ value: some CustomStringConvertible, _ width: Int) -> String {
        let text = value.description
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
