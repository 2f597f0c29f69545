import Foundation
import OnSiteClient
import OnSiteCrypto
import OnSitePostgresTesting
import OnSiteRelayProcess
import OnSiteSync
import Testing

/// Two `onsite-relay serve` processes on one PostgreSQL database and one data folder, serving the same devices.
@Suite("End to end: two relays on one PostgreSQL database", .serialized)
struct SharedDatabaseTests {
    /// Relays A and B on a fresh database of the tests' PostgreSQL server and on one data folder (A's); B serves
    /// A's certificate, so devices pinning A's CA reach both, as relays behind one name would.
    static func twoRelays() async throws -> (a: RelayProcess, b: RelayProcess) {
        let store = #""store": ""# + (try await PostgresTestCluster.freshDatabaseURL()) + #"""#
        let a = try RelayProcess(extraConfiguration: store)
        let b = try RelayProcess(binary: Binaries.relay, dataDirectory: a.folder.appendingPathComponent("data"), tlsFrom: a,
                                 extraConfiguration: store)
        return (a, b)
    }

    /// Starts both relays, and has a hub enrolled through A import the sample reports and sync them.
    static func start(_ a: RelayProcess, _ b: RelayProcess, samplesImportedBy hubToken: String) throws {
        try a.start()
        try b.start()
        let hub = FieldDevice(name: "hub", in: a.folder)
        try hub.enroll(with: a, token: hubToken)
        try #require(try hub.onsite("import", sampleReportsFile).status == 0)
        try hub.sync()
    }

    /// One sync of `device` through `relay` (whichever relay it enrolled with), through the client library.
    static func sync(_ device: FieldDevice, token: String, through relay: RelayProcess) async throws {
        let client = RelayClient(baseURL: relay.url, token: token, caCertificatePath: relay.caCertificatePath)
        _ = try await SyncEngine(replica: try Replica(directory: device.folder)).sync(client: client)
    }

    @Test("Devices alternating between two relays, pushing to both at once, all converge with no entry skipped")
    func alternatingDevicesConverge() async throws {
        // Given: relays A and B on one database, the samples imported by a hub through A, four officers of one
        // ward enrolled through one relay or the other
        let (a, b) = try await Self.twoRelays()
        let hubToken = try a.addDevice(role: "hub", name: "IOC", units: ["dien-bien"])
        let tokens = try (0..<4).map { try b.addDevice(role: "officer", name: "Officer \($0)", units: ["phuong-muong-thanh"]) }
        try Self.start(a, b, samplesImportedBy: hubToken)
        let devices = try tokens.indices.map { index in
            let device = FieldDevice(name: "officer-\(index)", in: a.folder)
            try device.enroll(with: index.isMultiple(of: 2) ? a : b, token: tokens[index])
            try device.sync()
            return device
        }

        // When: three rounds in which every device writes notes, then all sync at once, half through A and half
        // through B, each device through the other relay than in the round before (pushes on both relays commit
        // in whatever order the database gives them, while other devices pull)
        var written: Set<String> = []
        for round in 0..<3 {
            for (index, device) in devices.enumerated() {
                for report in ["DB-2024-00101", "DB-2024-00102"] {
                    let text = "Vòng \(round), máy \(index), \(report)"
                    try #require(try device.onsite("note", report, text).status == 0)
                    written.insert(text)
                }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in devices.indices {
                    let relay = (index + round).isMultiple(of: 2) ? a : b
                    group.addTask { try await Self.sync(devices[index], token: tokens[index], through: relay) }
                }
                try await group.waitForAll()
            }
        }
        // And: each device syncs once more through each relay
        for index in devices.indices {
            try await Self.sync(devices[index], token: tokens[index], through: a)
            try await Self.sync(devices[index], token: tokens[index], through: b)
        }

        // Then: a device new to each relay pulls the same state, holding every note written
        let freshA = FieldDevice(name: "fresh-a", in: a.folder), freshB = FieldDevice(name: "fresh-b", in: a.folder)
        try freshA.enroll(with: a, token: try a.addDevice(role: "officer", name: "Kiểm tra A", units: ["phuong-muong-thanh"]))
        try freshB.enroll(with: b, token: try b.addDevice(role: "officer", name: "Kiểm tra B", units: ["phuong-muong-thanh"]))
        try freshA.sync()
        try freshB.sync()
        let relayState = try await freshA.records()
        #expect(try await freshB.records() == relayState, "both relays serve one state")
        let notes = Set(relayState.flatMap { $0.notes.map(\.text) })
        #expect(notes == written, "missing on the relays: \(written.subtracting(notes).sorted())")

        // And: every device holds exactly that state, nothing pending: no entry was skipped by a pull
        for (index, device) in devices.enumerated() {
            let records = try await device.records()
            let held = Set(records.flatMap { $0.notes.map(\.text) })
            #expect(held == written, "device \(index) misses \(written.subtracting(held).sorted())")
            #expect(records == relayState, "device \(index) differs from the relays")
            #expect(try await device.status().pendingOperations == 0)
        }
    }

    @Test("A relay killed (SIGKILL) at any moment of a device's sync loses nothing: the device goes on through the other relay and every note is there once")
    func relayKilledMidSyncLosesNothing() async throws {
        // Given: relays A and B on one database; Lan enrolled through A, the samples imported
        let (a, b) = try await Self.twoRelays()
        let hubToken = try a.addDevice(role: "hub", name: "IOC", units: ["dien-bien"])
        let lanToken = try a.addDevice(role: "officer", name: "Lan", units: ["phuong-muong-thanh"])
        try Self.start(a, b, samplesImportedBy: hubToken)
        let lan = FieldDevice(name: "lan", in: a.folder)
        try lan.enroll(with: a, token: lanToken)
        try lan.sync()

        // When: six times, Lan writes notes and syncs through A, and A is killed that many milliseconds into the
        // sync (before the push, during its transaction, after its commit and before the answer, during the pull),
        // then restarted
        var written: [String] = []
        var interrupted = 0
        for (trial, delay) in [0, 15, 40, 80, 150, 300].enumerated() {
            for report in ["DB-2024-00101", "DB-2024-00102"] {
                let text = "Lần \(trial), \(report)"
                try #require(try lan.onsite("note", report, text).status == 0)
                written.append(text)
            }
            let sync = try ChildProcess(Binaries.client.path, ["sync", "--replica", lan.folder.path])
            try await Task.sleep(for: .milliseconds(delay))
            a.stop(kill: true)
            if sync.wait() != .exited(0) { interrupted += 1 }
            try a.start()
        }
        // (a sync the kill cut short exits 75, its work kept; one that ended first exits 0)
        #expect(interrupted >= 3, "only \(interrupted) of 6 syncs were cut short by the kill")
        // And: Lan syncs through B, then through A
        try await Self.sync(lan, token: lanToken, through: b)
        try await Self.sync(lan, token: lanToken, through: a)

        // Then: every note is on both relays exactly once, and Lan has nothing left to send
        for relay in [a, b] {
            let fresh = FieldDevice(name: "fresh-\(relay.port)", in: a.folder)
            try fresh.enroll(with: relay, token: try relay.addDevice(role: "officer", name: "Kiểm tra", units: ["phuong-muong-thanh"]))
            try fresh.sync()
            let notes = try await fresh.records().flatMap { $0.notes.map(\.text) }.filter { $0.hasPrefix("Lần ") }
            #expect(notes.sorted() == written.sorted(), "relay on port \(relay.port): \(notes.sorted())")
        }
        #expect(try await lan.status().pendingOperations == 0)
    }

    @Test("A photo uploaded through relay A is downloadable through relay B, by its uploader and by a colleague")
    func photoThroughTheOtherRelay() async throws {
        // Given: relays A and B on one database and one data folder; Lan enrolled through A, Minh through B
        let (a, b) = try await Self.twoRelays()
        let hubToken = try a.addDevice(role: "hub", name: "IOC", units: ["dien-bien"])
        let lanToken = try a.addDevice(role: "officer", name: "Lan", units: ["phuong-muong-thanh"])
        let minhToken = try a.addDevice(role: "officer", name: "Minh", units: ["phuong-muong-thanh"])
        try Self.start(a, b, samplesImportedBy: hubToken)
        let lan = FieldDevice(name: "lan", in: a.folder), minh = FieldDevice(name: "minh", in: a.folder)
        try lan.enroll(with: a, token: lanToken)
        try minh.enroll(with: b, token: minhToken)
        try lan.sync()
        try minh.sync()

        // When: Lan verifies with a photo and syncs through A
        let photo = SamplePhotos.path("dbp-site-1.jpg")
        let sha256 = try SamplePhotos.sha256(photo)
        try #require(try lan.onsite("verify", "DB-2024-00101", "--finding", "confirmed", "--photo", photo).status == 0)
        try lan.sync()

        // Then: relay B serves the bytes to Lan and, once Minh has synced through B, to Minh
        let fromB = try RawRelayClient(relay: b).request("GET", "/v1/blobs/\(sha256)", token: lanToken)
        #expect(fromB.status == 200, "\(fromB.text)")
        #expect(SHA256.hash(fromB.body).hex == sha256)
        try minh.sync()
        let forMinh = try RawRelayClient(relay: b).request("GET", "/v1/blobs/\(sha256)", token: minhToken)
        #expect(forMinh.status == 200, "\(forMinh.text)")
        #expect(SHA256.hash(forMinh.body).hex == sha256)
        let record = try #require(try await minh.records().first { $0.report.code == "DB-2024-00101" })
        #expect(record.attachments.map(\.sha256) == [sha256])
        #expect(!record.isPending(record.attachments[0]), "B's pull told Minh the photo is available")
    }

    @Test("`onsite-relay migrate` applies the store's migrations and exits, on either store; a bad `store` changes nothing")
    func migrateCommand() async throws {
        // Given: a relay configured on an empty PostgreSQL database, and a data folder without a SQLite store
        let url = try await PostgresTestCluster.freshDatabaseURL()
        let relay = try RelayProcess(extraConfiguration: #""store": ""# + url + #"""#)
        let sqliteFolder = relay.folder.appendingPathComponent("sqlite-data")

        // When/Then: the PostgreSQL store is migrated, twice without harm, and a device can be enrolled on it
        let migrated = try run(Binaries.relay, ["migrate", "--config", relay.config.path])
        #expect(migrated.status == 0, "\(migrated.combined)")
        #expect(migrated.output.hasPrefix("Migrated the PostgreSQL store postgresql://"), "\(migrated.output)")
        #expect(migrated.error.contains("migrated the PostgreSQL store"), "each migration applied is logged")
        let again = try run(Binaries.relay, ["migrate", "--config", relay.config.path])
        #expect(again.status == 0 && !again.error.contains("migrated the PostgreSQL store"), "nothing left to apply: \(again.combined)")
        let list = try run(Binaries.relay, ["device", "list", "--config", relay.config.path])
        #expect(list.status == 0 && list.output.isEmpty, "\(list.combined)")
        // And: the commands that work on the SQLite file itself refuse, saying what to use, rather than touch one
        let backup = try run(Binaries.relay, ["backup", "--config", relay.config.path, "--to", relay.folder.appendingPathComponent("b.sqlite").path])
        #expect(backup.status != 0 && backup.error.contains("PostgreSQL database") && backup.error.contains("pg_dump"), "\(backup.combined)")
        #expect(!FileManager.default.fileExists(atPath: relay.folder.appendingPathComponent("data/relay.sqlite").path))

        // And: the SQLite store in a data folder is created and migrated, then found up to date
        let sqlite = try run(Binaries.relay, ["migrate", "--data", sqliteFolder.path])
        #expect(sqlite.status == 0 && sqlite.output.hasPrefix("Applied ") && sqlite.output.contains("v1, "), "\(sqlite.combined)")
        #expect(FileManager.default.fileExists(atPath: sqliteFolder.appendingPathComponent("relay.sqlite").path))
        let sqliteAgain = try run(Binaries.relay, ["migrate", "--data", sqliteFolder.path])
        #expect(sqliteAgain.output.hasPrefix("No migration to apply"), "\(sqliteAgain.combined)")

        // And: a store that is not a PostgreSQL URL is refused with exit 1, naming the variable, touching nothing
        let empty = relay.folder.appendingPathComponent("untouched")
        let refused = try ProgramRun.run(URL(fileURLWithPath: "/usr/bin/env"),
                                         ["ONSITE_RELAY_STORE=mysql://onsite:hunter2@db/onsite", Binaries.relay.path, "migrate", "--data", empty.path])
        #expect(refused.status == 1)
        #expect(refused.error.contains("ONSITE_RELAY_STORE") && refused.error.contains("is not a PostgreSQL URL") && !refused.error.contains("hunter2"))
        #expect(!FileManager.default.fileExists(atPath: empty.path))
    }
}
