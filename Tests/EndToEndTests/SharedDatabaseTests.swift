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
        try a.start()
        try b.start()
        let hub = FieldDevice(name: "hub", in: a.folder)
        try hub.enroll(with: a, token: hubToken)
        try #require(try hub.onsite("import", sampleReportsFile).status == 0)
        try hub.sync()
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

    @Test("A photo uploaded through relay A is downloadable through relay B, by its uploader and by a colleague")
    func photoThroughTheOtherRelay() async throws {
        // Given: relays A and B on one database and one data folder; Lan enrolled through A, Minh through B
        let (a, b) = try await Self.twoRelays()
        let hubToken = try a.addDevice(role: "hub", name: "IOC", units: ["dien-bien"])
        let lanToken = try a.addDevice(role: "officer", name: "Lan", units: ["phuong-muong-thanh"])
        let minhToken = try a.addDevice(role: "officer", name: "Minh", units: ["phuong-muong-thanh"])
        try a.start()
        try b.start()
        let hub = FieldDevice(name: "hub", in: a.folder)
        try hub.enroll(with: a, token: hubToken)
        try #require(try hub.onsite("import", sampleReportsFile).status == 0)
        try hub.sync()
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
}
