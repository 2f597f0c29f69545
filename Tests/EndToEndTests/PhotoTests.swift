import Foundation
import OnSiteRelayProcess
import OnSiteClient
import OnSiteLinkProxy
import OnSiteCore
import OnSiteSync
import Testing

/// Evidence photos end to end: real relay processes over TLS, real `onsite` replicas, a proxy that drops links.
@Suite("Photos", .serialized)
struct PhotoTests {
    /// A relay with the sample reports pushed by the hub.
    struct World {
        let relay: RelayProcess
        let parent: URL

        init() throws {
            relay = try RelayProcess()
            parent = relay.folder
            let hubToken = try relay.addDevice(role: "hub", name: "IOC", units: ["dien-bien"])
            try relay.start()
            let hub = FieldDevice(name: "hub", in: parent)
            try hub.enroll(with: relay, token: hubToken)
            let imported = try hub.onsite("import", sampleReportsFile)
            guard imported.status == 0 else { throw E2EError("import failed: \(imported.combined)") }
            try hub.sync()
        }

        func officer(_ name: String, via url: String? = nil) throws -> FieldDevice {
            let device = FieldDevice(name: name, in: parent)
            let token = try relay.addDevice(role: "officer", name: name, units: ["phuong-muong-thanh"])
            try device.onsite("init")
            let enrolled = try device.onsite("enroll", "--relay", url ?? relay.url, "--token", token, "--ca-cert", relay.caCertificate.path)
            guard enrolled.status == 0 else { throw E2EError("enroll failed: \(enrolled.combined)") }
            try device.sync()
            return device
        }

        func supervisor() throws -> FieldDevice {
            let device = FieldDevice(name: "supervisor", in: parent)
            try device.enroll(with: relay, token: try relay.addDevice(role: "supervisor", name: "Sở", units: ["dien-bien"]))
            try device.sync()
            return device
        }

        var blobFiles: [String] {
            let root = relay.folder.appendingPathComponent("data/blobs")
            return (FileManager.default.subpaths(atPath: root.path) ?? []).filter { $0.split(separator: "/").count == 2 }
        }

        func uploadOffset(_ sha256: String) -> Int64? {
            // Uploads are per hash and device: `uploads/<sha256>.<device key>.json`; these tests have one device uploading.
            let folder = relay.folder.appendingPathComponent("data/uploads")
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
                .filter { $0.hasPrefix(sha256 + ".") && $0.hasSuffix(".json") }
            guard names.count == 1, let name = names.first,
                  let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
            return (object["offset"] as? NSNumber)?.int64Value
        }
    }

    static func json(_ result: CommandResult) throws -> [String: Int] {
        guard let data = result.output.data(using: .utf8), let object = try JSONSerialization.jsonObject(with: data) as? [String: Int] else {
            throw E2EError("not JSON: \(result.combined)")
        }
        return object
    }

    @Test("A link cut in the middle of a chunk: the relay keeps what arrived, the sync says a photo is left (exit 75), the next one sends only the rest")
    func resumeAfterCut() async throws {
        // Given: an officer behind a proxy, a 3 MiB photo sent in 256 KiB chunks
        let world = try World()
        let proxy = try LinkProxy(upstreamPort: world.relay.port)
        defer { proxy.stop() }
        let lan = try world.officer("Lan", via: proxy.url)
        let supervisor = try world.supervisor()
        let photo = try SamplePhotos.padded("dbp-site-1.jpg", to: 3 << 20, seed: 7, in: world.parent)
        let size = Int64(try Data(contentsOf: photo).count)
        let sha256 = try SamplePhotos.sha256(photo.path)
        let chunk: Int64 = 256 * 1024
        let verified = try lan.onsite("verify", "DB-2024-00101", "--finding", "confirmed", "--photo", photo.path)
        #expect(verified.status == 0, "\(verified.combined)")
        let queued = try lan.onsite("status")
        #expect(queued.output.contains("1 photo(s) waiting to upload"), "\(queued.output)")

        // When: the link drops after about 1.3 MB have gone upstream (records first, then inside chunk 5), and
        // the sync may not retry (--deadline 0)
        let before = proxy.upstreamBytes
        proxy.cut(afterUpstreamBytes: 1_300_000)
        let cut = try lan.onsite("sync", "--chunk-size", String(chunk), "--deadline", "0")

        // Then: exit 75, and the sentence names the photo left (not a change: the verification went through)
        #expect(cut.status == 75, "\(cut.combined)")
        #expect(cut.error.contains("Your 1 photo (") && cut.error.contains("left to send) is kept on this device"), "\(cut.error)")
        #expect(!cut.error.contains(" change"), "\(cut.error)")  // (" exchange" is the transport's word)
        #expect(proxy.cuts == 1)

        // And: the relay kept the bytes of the cut chunk that arrived (past the 4 whole chunks), nothing is visible,
        // and the others see the photo pending
        var relayOffset: Int64 = 0
        for _ in 0..<50 {
            relayOffset = world.uploadOffset(sha256) ?? 0
            if relayOffset > 4 * chunk { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(relayOffset > 4 * chunk && relayOffset < 5 * chunk && relayOffset % chunk != 0, "relay offset \(relayOffset)")
        #expect(world.blobFiles.isEmpty)
        try supervisor.sync()
        let pendingView = try supervisor.onsite("show", "DB-2024-00101")
        #expect(pendingView.output.contains("PENDING"), "\(pendingView.output)")
        let records = try await supervisor.records()
        let pendingRecord = try #require(records.first { $0.report.code == "DB-2024-00101" })
        #expect(pendingRecord.attachments.count == 1 && pendingRecord.isPending(pendingRecord.attachments[0]))

        // When: the next sync runs on a good link
        let resumed = try lan.onsite("sync", "--chunk-size", String(chunk), "--json")
        #expect(resumed.status == 0, "\(resumed.combined)")
        let summary = try Self.json(resumed)

        // Then: it resumed from the relay's offset and sent only the rest: no photo byte went twice
        #expect(Int64(summary["photosResumedFrom"] ?? -1) == relayOffset)
        #expect(Int64(summary["photoBytesSent"] ?? -1) == size - relayOffset)
        #expect(summary["photosCompleted"] == 1 && summary["pendingPhotos"] == 0)
        let upstream = Int64(proxy.upstreamBytes - before)
        let overhead: Int64 = 128 * 1024  // TLS handshakes, HTTP headers, the records' push and pulls
        #expect(upstream - size <= overhead, "sent \(upstream) bytes upstream for a \(size)-byte photo")
        print("resume: photo \(size) B, relay offset after the cut \(relayOffset) B, upstream total \(upstream) B (\(upstream - size) B over the photo)")
        #expect(world.blobFiles == ["\(sha256.prefix(2))/\(sha256)"])
        #expect(world.uploadOffset(sha256) == nil)

        // And: the supervisor fetches it, verified by hash
        let fetched = try supervisor.onsite("sync", "--photos")
        #expect(fetched.status == 0, "\(fetched.combined)")
        let local = supervisor.folder.appendingPathComponent("blobs/\(sha256.prefix(2))/\(sha256)").path
        #expect(try SamplePhotos.sha256(local) == sha256)
        let shown = try supervisor.onsite("photos", "DB-2024-00101")
        #expect(shown.output.contains("on the relay") && shown.output.contains("local copy"), "\(shown.output)")
    }

    @Test("Two devices attaching the same photo: the relay stores it once; the second sends no photo bytes")
    func dedupeAcrossDevices() async throws {
        let world = try World()
        let lan = try world.officer("Lan")
        let minh = try world.officer("Minh")
        let photo = SamplePhotos.path("dbp-site-1.jpg")
        let size = try Data(contentsOf: URL(fileURLWithPath: photo)).count

        // Given: Lan uploads the photo
        #expect(try lan.onsite("verify", "DB-2024-00101", "--finding", "confirmed", "--photo", photo).status == 0)
        let first = try Self.json(try lan.onsite("sync", "--json"))
        #expect(first["photosCompleted"] == 1 && first["photoBytesSent"] == size)

        // When: Minh attaches the same bytes to the same report (and to another one)
        #expect(try minh.onsite("attach", "DB-2024-00101", "--photo", photo).status == 0)
        #expect(try minh.onsite("attach", "DB-2024-00102", "--photo", photo).status == 0)
        let second = try Self.json(try minh.onsite("sync", "--json"))

        // Then: no photo bytes travel; the relay holds one file; both reports show the photo available
        #expect(second["photosDeduplicated"] == 1 && second["photoBytesSent"] == 0)
        #expect((second["photoRequestBytesSent"] ?? .max) < 2_000, "only the small create request went out")
        #expect(world.blobFiles.count == 1)
        let records = try await minh.records()
        for code in ["DB-2024-00101", "DB-2024-00102"] {
            let record = try #require(records.first { $0.report.code == code })
            #expect(!record.attachments.isEmpty && record.attachments.allSatisfy { !record.isPending($0) }, "\(code)")
        }
    }

    @Test("EXIF checks warn in Vietnamese and English, never refuse; damaged and non-JPEG files are refused clearly")
    func onSiteWarnings() async throws {
        let world = try World()
        let lan = try world.officer("Lan")
        let result = try lan.onsite("verify", "DB-2024-00101", "--finding", "confirmed",
                                    "--photo", SamplePhotos.path("no-exif.jpg"), "--photo", SamplePhotos.path("far-hanoi.jpg"),
                                    "--photo", SamplePhotos.path("predates-2023.jpg"), "--photo", SamplePhotos.path("dbp-site-2.jpg"))
        #expect(result.status == 0, "\(result.combined)")
        for expected in ["[photo.no_exif]", "Ảnh không có dữ liệu EXIF", "[photo.far_from_site]", "296.8 km",
                         "[photo.predates_report]", "Ảnh được chụp trước thời điểm tiếp nhận phản ánh",
                         "The photo was taken before the report was received", "không có cảnh báo / no warnings"] {
            #expect(result.output.contains(expected), "missing \(expected) in \(result.output)")
        }
        let shown = try lan.onsite("show", "DB-2024-00101")
        #expect(shown.output.contains("PENDING upload from this device") && shown.output.contains("[photo.far_from_site]"), "\(shown.output)")

        let truncated = try lan.onsite("attach", "DB-2024-00101", "--photo", SamplePhotos.path("truncated.jpg"))
        #expect(truncated.status == 64 && truncated.error.contains("cut short"), "\(truncated.combined)")
        let notJPEG = try lan.onsite("attach", "DB-2024-00101", "--photo", SamplePhotos.path("README.md"))
        #expect(notJPEG.status == 64 && notJPEG.error.contains("not a JPEG"), "\(notJPEG.combined)")

        let synced = try Self.json(try lan.onsite("sync", "--json"))
        #expect(synced["photosCompleted"] == 4 && synced["photosFailed"] == 0)
        let status = try lan.onsite("status")
        #expect(status.output.contains("0 photo(s) waiting to upload"), "\(status.output)")
    }
}
