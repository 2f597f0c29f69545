import Foundation
import OnSiteRelayProcess
import OnSiteClient
import OnSiteCore
import OnSiteCrypto
import OnSiteSync

/// Uploads one big photo with the real `onsite` client (a child process, so its peak memory can be read) and
/// the same number of bytes with a raw `curl` PATCH to the same relay endpoint, over TLS on loopback.
struct PhotoBenchmark {
    let megabytes: Int
    let chunkSizes: [Int]
    let folder: URL

    func run() async throws {
        let relay = try RelayProcess(benchFolder: folder, pageSize: 500, maxUploadChunkBytes: 512 << 20)
        let hubToken = try relay.addDevice(role: .hub, units: ["dien-bien"])
        let officerToken = try relay.addDevice(role: .officer, units: ["phuong-muong-thanh"])
        try relay.start()
        defer { relay.stop() }
        let client = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("onsite").path
        guard FileManager.default.isExecutableFile(atPath: client) else { throw BenchError("onsite is not built next to onsite-bench; run `swift build` first.") }

        // The report, pushed by the hub
        let hub = try Replica(directory: folder.appendingPathComponent("hub"))
        var counters = WireCounters()
        let hubProfile = try await RelayClient(baseURL: relay.url, token: hubToken, caCertificatePath: relay.caCertificatePath).profile(counters: &counters)
        try await hub.enroll(Enrolment(relayURL: relay.url, token: hubToken, caCertificatePath: relay.caCertificatePath, profile: hubProfile))
        let report = Report(
            id: "bench-photo", code: "DB-BENCH-PHOTO", title: "Ổ gà trên đường Võ Nguyên Giáp", description: "Ổ gà sâu.",
            category: "ha-tang-do-thi", location: GeoPoint(latitude: 21.3865, longitude: 103.0172), address: "Tổ 5, phường Mường Thanh",
            area: AdministrativeArea(province: "dien-bien", district: "tp-dien-bien-phu", commune: "phuong-muong-thanh"),
            reporter: Reporter(name: "Người dân", phone: "0912345678"), receivedAt: Date(timeIntervalSince1970: 1_713_312_000),
            status: .forwarded, assignedUnit: "phuong-muong-thanh")
        try await hub.record(.createReport(report), on: report.id)
        var hubEngine = SyncEngine(replica: hub)
        hubEngine.pageSize = 500
        let hubClient = try await hubEngine.makeClient()
        _ = try await hubEngine.sync(client: hubClient)

        // The officer's replica, driven through the executable
        let replica = folder.appendingPathComponent("officer").path
        try runQuiet(client, ["init", "--replica", replica])
        try runQuiet(client, ["enroll", "--replica", replica, "--relay", relay.url, "--token", officerToken, "--ca-cert", relay.caCertificatePath])
        try runQuiet(client, ["sync", "--replica", replica])

        let source = try Self.samplePhoto()
        let size = megabytes * 1_000_000
        print("relay: \(relay.url) (TLS, pinned CA); photo: \(size) bytes (a valid JPEG: \(URL(fileURLWithPath: source).lastPathComponent) padded with comment segments)")
        print("")
        print("upload                                   bytes   seconds      MB/s   peak RSS (MiB)")

        for (index, chunkSize) in chunkSizes.enumerated() {
            let photo = try Self.makePhoto(from: source, size: size, seed: UInt64(index + 1), in: folder)
            let attach = try measure(client, ["attach", "--replica", replica, report.code, "--photo", photo])
            guard attach.status == 0 else { throw BenchError("onsite attach failed: \(attach.output)") }
            try? FileManager.default.removeItem(atPath: photo)
            let sync = try measure(client, ["sync", "--replica", replica, "--json", "--chunk-size", String(chunkSize)])
            guard sync.status == 0, let data = sync.output.data(using: .utf8),
                  let summary = try? JSONSerialization.jsonObject(with: data) as? [String: Int] else {
                throw BenchError("onsite sync failed: \(sync.output)")
            }
            let sent = summary["photoBytesSent"] ?? 0
            let seconds = Double(summary["photoMillis"] ?? 0) / 1000
            print(line("onsite sync, \(chunkSize >> 10) KiB chunks", sent, seconds, sync.maxRSSKiB)
                  + "   TLS handshakes for this upload: \(summary["connections"] ?? 0) (the whole sync: push, pull, photo)")
            if index == 0 { print(line("onsite attach (copy, hash, EXIF)", size, attach.seconds, attach.maxRSSKiB)) }
        }

        // The same bytes with curl: one PATCH of the whole file to the same endpoint
        let raw = try Self.makePhoto(from: source, size: size, seed: 99, in: folder)
        defer { try? FileManager.default.removeItem(atPath: raw) }
        let sha256 = try SHA256.hash(fileAt: raw).hex
        let attachment = Attachment(reportId: report.id, sha256: sha256, byteCount: Int64(size), contentType: "image/jpeg",
                                    fileName: "curl.jpg", addedBy: "IOC", addedAt: WireDate.rounded(Date()))
        try await hub.record(.addAttachment(attachment), on: report.id)
        _ = try await hubEngine.sync(client: hubClient)
        let auth = "Authorization: Bearer \(hubToken)"
        let create = try measure("/usr/bin/curl", ["-sS", "--cacert", relay.caCertificatePath, "-X", "POST", "-H", auth,
                                                   "-H", "Content-Type: application/json",
                                                   "--data", "{\"sha256\":\"\(sha256)\",\"byteCount\":\(size),\"contentType\":\"image/jpeg\"}",
                                                   "\(relay.url)/v1/uploads"])
        guard create.output.contains("\"offset\":0") else { throw BenchError("curl create failed: \(create.output)") }
        let curl = try measure("/usr/bin/curl", ["-sS", "--cacert", relay.caCertificatePath, "-X", "PATCH", "-T", raw, "-H", auth,
                                                 "-H", "Upload-Offset: 0", "-H", "Upload-Checksum: sha256 \(sha256)",
                                                 "-H", "Content-Type: application/offset+octet-stream",
                                                 "-o", "/dev/null", "-w", "%{http_code}", "\(relay.url)/v1/uploads/\(sha256)"])
        guard curl.output.hasPrefix("200") else { throw BenchError("curl PATCH failed: \(curl.output)") }
        print(line("curl PATCH, one request", size, curl.seconds, curl.maxRSSKiB))
        print("")
        print("Both include the relay's whole-file SHA-256 and JPEG check before it answers; onsite also hashes each chunk before sending it.")
    }

    private func line(_ name: String, _ bytes: Int, _ seconds: Double, _ rssKiB: Int) -> String {
        let rate = seconds > 0 ? Double(bytes) / seconds / 1_000_000 : 0
        return name.padding(toLength: 34, withPad: " ", startingAt: 0)
            + String(format: "%12d %9.2f %9.1f %16.1f", bytes, seconds, rate, Double(rssKiB) / 1024)
    }

    private func runQuiet(_ executable: String, _ arguments: [String]) throws {
        let result = try measure(executable, arguments)
        guard result.status == 0 else { throw BenchError("\(arguments.first ?? executable) failed: \(result.output)") }
    }

    /// Runs a child to completion and reads its own peak resident set from `wait4`.
    private func measure(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String, seconds: Double, maxRSSKiB: Int) {
        let outputPath = folder.appendingPathComponent("child-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let start = ContinuousClock.now
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else { throw BenchError("cannot start \(executable): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let seconds = (ContinuousClock.now - start).seconds
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return ((status >> 8) & 0xFF, output, seconds, Int(usage.ru_maxrss))
    }

    /// A valid JPEG of `size` bytes: the sample with comment segments of pseudo-random bytes after its start marker.
    static func makePhoto(from source: String, size: Int, seed: UInt64, in folder: URL) throws -> String {
        let original = try Data(contentsOf: URL(fileURLWithPath: source))
        let path = folder.appendingPathComponent("photo-\(seed).jpg").path
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.write(contentsOf: original.prefix(2))
        var state = seed &* 0x9E37_79B9_7F4A_7C15
        var written = 2
        var segment = [UInt8](repeating: 0, count: 65_537)
        while written + original.count - 2 < size {
            let payload = min(65_533, size - written - (original.count - 2) - 4)
            guard payload > 0 else { break }
            segment[0] = 0xFF; segment[1] = 0xFE
            segment[2] = UInt8((payload + 2) >> 8); segment[3] = UInt8((payload + 2) & 0xFF)
            var index = 4
            while index < payload + 4 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                segment[index] = UInt8(truncatingIfNeeded: state >> 33)
                index += 1
            }
            try handle.write(contentsOf: segment[0..<(payload + 4)])
            written += payload + 4
        }
        try handle.write(contentsOf: original.dropFirst(2))
        return path
    }

    /// Samples/photos/dbp-site-1.jpg, from the working directory or the checkout the executable was built in.
    static func samplePhoto() throws -> String {
        var candidates = [FileManager.default.currentDirectoryPath]
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(folder.path)
            folder = folder.deletingLastPathComponent()
        }
        for candidate in candidates {
            let path = URL(fileURLWithPath: candidate).appendingPathComponent("Samples/photos/dbp-site-1.jpg").path
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        throw BenchError("Samples/photos/dbp-site-1.jpg not found; run from the project folder.")
    }
}
