import Foundation
import OnSiteRelayProcess
import OnSiteSync
import Testing

/// Running the relay like a service: one relay per data folder, private files, strict configuration, versions,
/// signals, rotation and re-enrolment, on real processes.
@Suite("End to end: operations", .serialized)
struct OperationsTests {
    @Test("A second relay on the same data folder refuses to start, naming the first one's pid; the first keeps serving")
    func oneRelayPerDataFolder() throws {
        let relay = try RelayProcess()
        try relay.start()
        let pid = try #require(relay.processIdentifier)
        let second = try run(Binaries.relay, ["serve", "--config", relay.config.path, "--port", "0"])
        #expect(second.status != 0)
        #expect(second.combined.contains("pid \(pid)"), "\(second.combined)")
        #expect(second.combined.contains("already serving the data folder"), "\(second.combined)")
        #expect(try RawRelayClient(relay: relay).request("GET", "/healthz").status == 200)
        // Once the first is gone (even killed), the lock is free again.
        relay.stop(kill: true)
        try relay.start()
        #expect(try RawRelayClient(relay: relay).request("GET", "/healthz").status == 200)
    }

    @Test("Relay and replica folders are 0700 and their files 0600; loosened modes are tightened at start-up and said")
    func privateFiles() async throws {
        let (relay, hub) = try Seeded.relay()
        let data = relay.folder.appendingPathComponent("data")
        for file in ["", "relay.sqlite", "relay.sqlite-wal", "relay.sqlite-shm", "relay.lock"] {
            let path = data.appendingPathComponent(file).path
            #expect(FileMode.of(path) == (file.isEmpty ? 0o700 : 0o600), "\(path): \(String(FileMode.of(path) ?? 0, radix: 8))")
        }
        #expect(FileMode.of(relay.folder.appendingPathComponent("tls/key.pem").path) == 0o600)
        for file in ["", "replica.sqlite", "relay-ca.pem"] {
            let path = hub.folder.appendingPathComponent(file).path
            #expect(FileMode.of(path) == (file.isEmpty ? 0o700 : 0o600), "\(path): \(String(FileMode.of(path) ?? 0, radix: 8))")
        }
        // The token is in replica.sqlite: an older onsite left it 0644 in a 0755 folder.
        chmod(hub.folder.path, 0o755)
        chmod(hub.folder.appendingPathComponent("replica.sqlite").path, 0o644)
        let status = try hub.onsite("status")
        #expect(status.status == 0)
        #expect(status.error.contains("private to this user"), "\(status.combined)")
        #expect(FileMode.of(hub.folder.path) == 0o700 && FileMode.of(hub.folder.appendingPathComponent("replica.sqlite").path) == 0o600)
        #expect(try hub.onsite("status").error.isEmpty)

        relay.stop()
        chmod(data.path, 0o755)
        chmod(data.appendingPathComponent("relay.sqlite").path, 0o644)
        chmod(relay.folder.appendingPathComponent("tls/key.pem").path, 0o644)
        relay.logLevel = "notice"
        try relay.start()
        #expect(FileMode.of(data.path) == 0o700)
        #expect(FileMode.of(data.appendingPathComponent("relay.sqlite").path) == 0o600)
        #expect(FileMode.of(relay.folder.appendingPathComponent("tls/key.pem").path) == 0o600)
        let log = try String(contentsOf: try #require(relay.logFile), encoding: .utf8)
        #expect(log.contains("made files private"), "\(log)")
    }

    @Test("An unknown configuration key is refused, naming it, where it is and the nearest known key", arguments: [
        (#""dataDir": "elsewhere""#, "`dataDir` at the top level; did you mean `dataDirectory`?"),
        (#""limits": {"maxOperationPerChangeSet": 10}"#, "`maxOperationPerChangeSet` in `limits`; did you mean `maxOperationsPerChangeSet`?"),
        (#""tls": {"certificateChain": "a", "privatekey": "b"}"#, "`privatekey` in `tls`; did you mean `privateKey`?"),
    ])
    func unknownConfigurationKey(entry: String, says: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("onsite-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("relay.json")
        try Data(#"{"host": "127.0.0.1", "port": 0, "allowPlainHTTP": true, \#(entry)}"#.utf8).write(to: config)
        let result = try run(Binaries.relay, ["serve", "--config", config.path])
        #expect(result.status != 0)
        #expect(result.combined.contains(says), "\(result.combined)")
        #expect(result.combined.contains(config.path))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("relay-data").path), "a default folder was served")
    }

    @Test("--version: both binaries print the one version")
    func version() throws {
        for binary in [Binaries.client, Binaries.relay] {
            let result = try run(binary, ["--version"])
            #expect(result.status == 0)
            #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == OnSiteVersion.description, "\(result.combined)")
        }
    }

    @Test("SIGHUP does not stop the relay (it is logged and ignored); SIGTERM stops it gracefully, and the log says so")
    func signals() throws {
        let relay = try RelayProcess()
        relay.logLevel = "notice"
        try relay.start()
        let pid = try #require(relay.processIdentifier)
        kill(pid, SIGHUP)
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try RawRelayClient(relay: relay).request("GET", "/healthz").status == 200)
        relay.stop()
        let log = try String(contentsOf: try #require(relay.logFile), encoding: .utf8)
        #expect(log.contains("SIGHUP received and ignored"), "\(log)")
        #expect(log.contains("stopped gracefully"), "\(log)")
    }

    @Test("device rotate: the old token is refused as rotated (exit 77); enroll --replace keeps the pending work, which then syncs")
    func rotateAndReplace() async throws {
        let (relay, _) = try Seeded.relay()
        let lan = try Seeded.officer("lan", on: relay)
        try #require(try lan.onsite("note", "DB-2024-00101", "Ghi chú trước khi đổi mã").status == 0)
        try #require(try lan.onsite("attach", "DB-2024-00101", "--photo", SamplePhotos.path("dbp-site-1.jpg")).status == 0)
        // Everything the replica holds, the copied photo included, is its owner's only.
        let everything = FileManager.default.enumerator(atPath: lan.folder.path)?.allObjects as? [String] ?? []
        #expect(everything.contains { $0.hasPrefix("blobs/") })
        for relative in everything {
            let mode = FileMode.of(lan.folder.appendingPathComponent(relative).path) ?? 0
            #expect(mode & 0o077 == 0, "\(relative) is \(String(mode, radix: 8))")
        }
        let deviceId = try #require(try await lan.status().deviceId)
        let pending = try await lan.status().pendingOperations
        #expect(pending == 2, "the note and the attachment")
        let rotated = try run(Binaries.relay, ["device", "rotate", "--config", relay.config.path, deviceId, "--json"])
        try #require(rotated.status == 0, "\(rotated.combined)")
        let object = try JSONSerialization.jsonObject(with: Data(rotated.output.utf8)) as? [String: String]
        let newToken = try #require(object?["token"])

        let refused = try lan.onsite("sync")
        #expect(refused.status == 77, "\(refused.combined)")
        #expect(refused.error.contains("token_rotated") && refused.error.contains("--replace"), "\(refused.combined)")
        #expect(try await lan.status().pendingOperations == pending)

        let plain = try lan.onsite("enroll", "--relay", relay.url, "--token", newToken)
        #expect(plain.status == 64 && plain.error.contains("--replace"), "\(plain.combined)")
        let replaced = try lan.onsite("enroll", "--replace", "--relay", relay.url, "--token", newToken)
        #expect(replaced.status == 0, "\(replaced.combined)")
        #expect(replaced.output.contains("Kept \(pending) pending change(s) and 1 photo(s)"), "\(replaced.output)")
        try lan.sync()
        #expect(try await lan.status().pendingOperations == 0)
        #expect(try await lan.status().deviceId == deviceId)

        let list = try run(Binaries.relay, ["device", "list", "--config", relay.config.path, "--json"])
        let devices = try #require(try JSONSerialization.jsonObject(with: Data(list.output.utf8)) as? [[String: Any]])
        let listed = try #require(devices.first { $0["deviceId"] as? String == deviceId })
        #expect(listed["lastSeenAt"] is String && listed["state"] as? String == "active", "\(listed)")
        #expect(!list.output.contains(newToken))
    }

    @Test("enroll --replace with another device's token is refused without --move and changes nothing")
    func replaceWithAnotherDevice() async throws {
        let (relay, _) = try Seeded.relay()
        let lan = try Seeded.officer("lan", on: relay)
        try #require(try lan.onsite("note", "DB-2024-00101", "Chưa gửi").status == 0)
        let before = try await lan.status()
        let otherToken = try relay.addDevice(role: "officer", name: "Minh", units: ["phuong-muong-thanh"])
        let refused = try lan.onsite("enroll", "--replace", "--relay", relay.url, "--token", otherToken)
        #expect(refused.status == 64, "\(refused.combined)")
        #expect(refused.error.contains("belongs to Minh") && refused.error.contains("--move"), "\(refused.combined)")
        let moved = try lan.onsite("enroll", "--replace", "--move", "--relay", relay.url, "--token", otherToken)
        #expect(moved.status == 64 && moved.error.contains("Sync them with the current token first"), "\(moved.combined)")
        let after = try await lan.status()
        #expect(after.deviceId == before.deviceId && after.pendingOperations == 1)

        // Once the work is synced, --move makes the replica the other device; the next sync pulls its scope.
        try lan.sync()
        let reportsBefore = try await lan.status().reportCount
        let minhId = try #require(try JSONSerialization.jsonObject(with: Data(try run(Binaries.relay, ["device", "list", "--config", relay.config.path, "--json"]).output.utf8))
            as? [[String: Any]]).first { $0["name"] as? String == "Minh" }?["deviceId"] as? String
        let movedNow = try lan.onsite("enroll", "--replace", "--move", "--relay", relay.url, "--token", otherToken)
        #expect(movedNow.status == 0, "\(movedNow.combined)")
        #expect(try await lan.status().deviceId == minhId)
        #expect(try await lan.status().reportCount == 0, "the old device's reports are dropped")
        try lan.sync()
        // Minh works in the same ward: the same reports come back, under Minh's identity.
        #expect(try await lan.status().reportCount == reportsBefore && reportsBefore > 0)
    }
}

/// A file's permission bits.
enum FileMode {
    static func of(_ path: String) -> mode_t? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o777
    }
}
