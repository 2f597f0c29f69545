import Foundation
import OnSiteRelayProcess
import OnSiteCore
import OnSiteSync
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Connections a hostile or broken device leaves behind, against a real relay process over TLS.
@Suite("Hostile connections", .serialized)
struct HostileConnectionTests {
    /// A relay with a hub and an officer, a report in the officer's ward, and the officer's attachment of `photo`.
    struct World {
        let relay: RelayProcess
        let client: RawRelayClient
        let officerToken: String
        let photo: Data
        let sha256: String

        init(extraConfiguration: String, openFileLimit: Int? = nil) throws {
            relay = try RelayProcess(extraConfiguration: extraConfiguration)
            relay.openFileLimit = openFileLimit
            let hubToken = try relay.addDevice(role: "hub", name: "IOC", units: ["dien-bien"])
            officerToken = try relay.addDevice(role: "officer", name: "Lan", units: ["phuong-muong-thanh"])
            try relay.start()
            client = RawRelayClient(relay: relay)
            photo = try Data(contentsOf: URL(fileURLWithPath: SamplePhotos.path("dbp-site-1.jpg")))
            sha256 = try SamplePhotos.sha256(SamplePhotos.path("dbp-site-1.jpg"))

            let report = Report(id: "r1", code: "DB-R1", title: "Ổ gà", description: "", category: "an-toan-giao-thong",
                                location: GeoPoint(latitude: 21.38, longitude: 103.01), address: "Tổ 5",
                                area: AdministrativeArea(province: "dien-bien", district: "tp-dien-bien-phu", commune: "phuong-muong-thanh"),
                                reporter: Reporter(name: "Lò Văn Hùng"), receivedAt: Date(timeIntervalSince1970: 1_713_312_000),
                                status: .forwarded, assignedUnit: "phuong-muong-thanh")
            try push(.createReport(report), token: hubToken)
            let attachment = Attachment(reportId: "r1", sha256: sha256, byteCount: Int64(photo.count), contentType: "image/jpeg",
                                        fileName: "site.jpg", addedBy: "Lan", addedAt: Date(timeIntervalSince1970: 1_713_400_000))
            try push(.addAttachment(attachment), token: officerToken)
        }

        func push(_ change: Change, token: String) throws {
            let me = try client.request("GET", "/v1/me", token: token)
            let device = try WireCoding.decode(DeviceProfile.self, from: me.body).deviceId
            let changeSet = ChangeSet(deviceId: device, sequence: 1, baseVersion: 0, operations: [
                SyncOperation(reportId: "r1", stamp: HybridTimestamp(wallMillis: 1_713_312_000_000, counter: 0, device: device), change: change),
            ])
            let pushed = try client.request("POST", "/v1/changesets", token: token, headers: ["Content-Type": "application/json"],
                                            body: try WireCoding.encode(changeSet))
            guard pushed.status == 200 else { throw E2EError("push failed: \(pushed.status) \(pushed.text)") }
        }

        /// The bytes of the upload in progress on the relay's disk (0 when there is none).
        func partialBytes() -> Int {
            let folder = relay.folder.appendingPathComponent("data/uploads")
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
                .filter { $0.hasPrefix(sha256 + ".") && !$0.contains(".json") }
            return names.compactMap { name in
                (try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path))?[.size] as? NSNumber
            }.map(\.intValue).max() ?? 0
        }

        /// Sends the whole photo as one chunk from offset 0.
        func patchWholePhoto() throws -> RawRelayClient.Answer {
            try client.request("PATCH", "/v1/uploads/\(sha256)", token: officerToken, headers: [
                "Content-Type": "application/offset+octet-stream", "Upload-Offset": "0",
                "Upload-Checksum": UploadProtocol.checksum(hex: sha256),
            ], body: photo)
        }
    }

    @Test("A chunk whose link dies silently holds nothing: the device's next PATCH takes over at once; the idle timeout closes the dead connection")
    func stalledChunk() async throws {
        // Given: an upload in progress, and a PATCH that sent half its chunk and then went silent (no FIN, no RST)
        // (An idle timeout of 45 s leaves room for a loaded machine: the takeover must not need it at all. Were the
        // timeout to close the silent connection first, the relay would keep its half chunk, as after any cut.)
        let world = try World(extraConfiguration: #""connections": {"idleTimeoutSeconds": 45}"#)
        let created = try world.client.request("POST", "/v1/uploads", token: world.officerToken, headers: ["Content-Type": "application/json"],
                                               body: try WireCoding.encode(UploadRequest(sha256: world.sha256, byteCount: Int64(world.photo.count), contentType: "image/jpeg")))
        #expect(created.status == 201, "\(created.text)")
        let head = "PATCH /v1/uploads/\(world.sha256) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(world.officerToken)\r\n"
            + "Content-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\nContent-Length: \(world.photo.count)\r\n"
            + "Upload-Checksum: \(UploadProtocol.checksum(hex: world.sha256))\r\n\r\n"
        let half = world.photo.count / 2
        let stalled = try world.client.stall(after: Data(head.utf8) + world.photo.prefix(half))
        defer { stalled.close() }
        // The relay is writing the half chunk (its bytes are in the upload's file) when the link goes silent
        let deadline = Date().addingTimeInterval(15)
        while world.partialBytes() < half, stalled.isOpen, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        try #require(world.partialBytes() == half, "the stalled request wrote its half chunk (s_client running: \(stalled.isOpen))")

        // When: the same device sends the whole chunk again on a new connection
        let retried = try world.patchWholePhoto()

        // Then: it is stored and completes the photo while the dead connection is still open (no waiting for a timeout)
        #expect(retried.status == 200, "\(retried.text)")
        #expect(stalled.isOpen, "the takeover did not wait for the idle timeout")
        let status = try WireCoding.decode(UploadStatus.self, from: retried.body)
        #expect(status.complete && status.offset == Int64(world.photo.count))
        let download = try world.client.request("GET", "/v1/blobs/\(world.sha256)", token: world.officerToken)
        #expect(download.status == 200 && download.body == world.photo)

        // And: the relay closes the silent connection after the idle timeout (45 s), not when the socket dies
        let closeBy = Date().addingTimeInterval(80)
        while stalled.isOpen, Date() < closeBy { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!stalled.isOpen, "the relay still holds the silent connection")
    }

    @Test("Hundreds of silent connections over the cap: /healthz still answers within seconds and the relay holds at most the cap")
    func silentFlood() async throws {
        // Given: a relay with at most 100 connections, 256 open files, and an idle timeout far longer than the test
        let world = try World(extraConfiguration: #""connections": {"maxConnections": 100, "idleTimeoutSeconds": 600}"#, openFileLimit: 256)

        // When: 300 TCP connections open and never send a byte
        let sockets = try world.client.silentConnections(300)
        defer { sockets.forEach { close($0) } }
        try await Task.sleep(for: .seconds(1))

        // Then: /healthz answers within a few seconds, and so does a device
        let started = Date()
        let health = try world.client.request("GET", "/healthz", maxSeconds: 5)
        #expect(health.status == 200, "\(health.text)")
        #expect(Date().timeIntervalSince(started) < 5)
        let me = try world.client.request("GET", "/v1/me", token: world.officerToken, maxSeconds: 5)
        #expect(me.status == 200, "\(me.text)")

        // And: the relay keeps no more sockets than the cap (plus its listener and a few of its own)
        let pid = try #require(world.relay.processIdentifier)
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
        let sockets_ = descriptors.filter { name in
            ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(name)")) ?? "").hasPrefix("socket:")
        }
        #expect(sockets_.count <= 100 + 5, "the relay holds \(sockets_.count) sockets")
    }
}
