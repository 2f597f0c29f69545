import Foundation
import OnSiteClient
import OnSiteCore
import OnSiteLinkProxy
import OnSiteRelayProcess
import OnSiteSync

/// A field day on a bad link: a real relay (TLS) behind ``LinkProxy``; an officer's verifications and photos
/// sent by one persistent sync (``FieldClient/sync(_:progress:over:)``, the `onsite sync` path); a supervisor
/// pulling directly from the relay meanwhile. Prints wire bytes against payload bytes and when each party
/// saw what.
struct FieldDayBenchmark {
    struct Plan {
        var verifications: Int
        var photos: Int
        var photoBytes: ClosedRange<Int>
        var seed: UInt64
        var supervisorEvery: Duration
        var deadline: Duration
    }

    let plan: Plan
    let link: LinkProfile
    let folder: URL

    static let ward = "phuong-muong-thanh"

    func run() async throws {
        let relay = try RelayProcess(benchFolder: folder, pageSize: 500)
        let hubToken = try relay.addDevice(role: .hub, units: ["dien-bien"])
        let officerToken = try relay.addDevice(role: .officer, units: [Self.ward])
        let supervisorToken = try relay.addDevice(role: .supervisor, units: ["dien-bien"])
        try relay.start()
        defer { relay.stop() }
        let proxy = try LinkProxy(upstreamPort: relay.port, profile: link, impaired: false)
        defer { proxy.stop() }

        // The reports, filed by the hub directly; the officer enrolls through the proxy (still a good link)
        let hub = try await enrolled(folder.appendingPathComponent("hub"), url: relay.url, relay: relay, token: hubToken)
        let reports = (0..<plan.verifications).map(Self.report)
        _ = try await hub.record(reports.map { (Change.createReport($0), $0.id) })
        _ = try await SyncEngine(replica: hub).sync(client: try await SyncEngine(replica: hub).makeClient())
        let officer = FieldClient(replica: try await enrolled(folder.appendingPathComponent("officer"), url: proxy.url, relay: relay, token: officerToken))
        _ = try await officer.sync()
        let supervisor = try await enrolled(folder.appendingPathComponent("supervisor"), url: relay.url, relay: relay, token: supervisorToken)

        // The day's work, recorded offline: each verification with its share of the photos
        let payload = try await record(reports, on: officer)
        print("field day: \(plan.verifications) verifications, \(plan.photos) photos (\(PendingWork.bytesText(Int64(payload))), "
              + "\(PendingWork.bytesText(Int64(plan.photoBytes.lowerBound)))–\(PendingWork.bytesText(Int64(plan.photoBytes.upperBound))) each)")
        print("link: \(link); relay \(relay.url) (TLS) behind the proxy at \(proxy.url)")
        print("supervisor: pulls directly from the relay every \(Self.seconds(plan.supervisorEvery)) s")
        print("")

        // The link goes bad; one sync runs until the work is done; the watchers note when things became visible
        let watch = FieldDayWatch(expectedVerifications: plan.verifications, expectedPhotos: plan.photos)
        let before = proxy.counters
        proxy.setImpaired(true)
        let start = ContinuousClock.now
        let watchers = Task {
            await watch.run(supervisor: supervisor, reportIds: Set(reports.map(\.id)), blobsFolder: relay.folder.appendingPathComponent("data/blobs"),
                            every: plan.supervisorEvery, start: start) { line in
                let counters = proxy.counters
                print(line + ", \(counters.cuts - before.cuts) cuts, \(PendingWork.bytesText(Int64(counters.wireBytes - before.wireBytes))) on the wire")
            }
        }
        let retries = RetryCounter()
        var options = SyncOptions(persistence: SyncPersistence(deadline: plan.deadline, maxFailuresWithoutProgress: nil))
        options.chunkSize = nil
        let officerLink = try await officer.engine.makeClient()
        let report = try await officer.sync(options, progress: SyncProgress(retries: { _ in retries.add() }), over: officerLink)
        let syncSeconds = (ContinuousClock.now - start).seconds
        await watch.finish(supervisor: supervisor, reportIds: Set(reports.map(\.id)), blobsFolder: relay.folder.appendingPathComponent("data/blobs"), start: start)
        watchers.cancel()
        let counters = proxy.counters
        let times = await watch.times

        // Figures
        let wire = counters.wireBytes - before.wireBytes
        let delivered = (counters.upstreamDelivered - before.upstreamDelivered) + (counters.downstreamDelivered - before.downstreamDelivered)
        let ratio = Double(wire) / Double(max(1, payload))
        print("")
        print(Self.row("payload (photo bytes)", "\(payload) B"))
        print(Self.row("wire bytes, both ways, into the link", "\(wire) B  = \(String(format: "%.3f", ratio)) × payload (target ≤ 1.05: \(ratio <= 1.05 ? "met" : "NOT met"))"))
        print(Self.row("  upstream / downstream", "\(counters.upstreamSent - before.upstreamSent) B / \(counters.downstreamSent - before.downstreamSent) B"))
        print(Self.row("  delivered out of the link", "\(delivered) B = \(String(format: "%.3f", Double(delivered) / Double(max(1, payload)))) × payload (the rest was in flight at a cut)"))
        print(Self.row("supervisor sees every verification", Self.at(times.allVerifications)))
        print(Self.row("first photo complete on the relay", Self.at(times.firstPhoto)
                       + (times.allVerifications.map { first in times.firstPhoto.map { first < $0 } ?? true } == true ? "  (after every verification was visible: yes)" : "  (after every verification was visible: NO)")))
        print(Self.row("every photo on the relay", Self.at(times.allPhotos)))
        print(Self.row("the sync returned", String(format: "%.1f s", syncSeconds)))
        print(Self.row("link use", String(format: "%.0f %% of %d kbit/s upstream over the sync",
                                          100 * Double(counters.upstreamSent - before.upstreamSent) / (syncSeconds * Double(link.bytesPerSecond ?? 1)),
                                          (link.bytesPerSecond ?? 0) * 8 / 1000)))
        print(Self.row("cuts", "\(counters.cuts - before.cuts) (connections dropped), \(report.linkDrops) seen by the client, \(retries.count) retries"))
        print(Self.row("syncs / manual steps", "1 sync run (\(report.attempts) passes inside it) / 0"))
        print(Self.row("left to send", report.pendingAfter.summary))
        print(Self.row("chunk size at the end", "\(PendingWork.bytesText(officerLink.chunkSizing.next)) (throughput measured \(officerLink.chunkSizing.throughput.map { PendingWork.bytesText(Int64($0)) + "/s" } ?? "-"))"))
        guard report.pendingAfter.isEmpty, times.allPhotos != nil, times.allVerifications != nil else {
            throw BenchError("the field day did not finish: \(report.pendingAfter.summary) left")
        }
    }

    // MARK: Setup

    private func enrolled(_ directory: URL, url: String, relay: RelayProcess, token: String) async throws -> Replica {
        let replica = try Replica(directory: directory)
        var counters = WireCounters()
        let profile = try await RelayClient(baseURL: url, token: token, caCertificatePath: relay.caCertificatePath).profile(counters: &counters)
        try await replica.enroll(Enrolment(relayURL: url, token: token, caCertificatePath: relay.caCertificatePath, profile: profile))
        return replica
    }

    static func report(_ index: Int) -> Report {
        Report(
            id: String(format: "field-day-%03d", index), code: String(format: "DB-FD-%03d", index),
            title: "Phản ánh hiện trường số \(index + 1)", description: "Mặt đường bị sụt lún, đề nghị kiểm tra.",
            category: "ha-tang-do-thi", location: GeoPoint(latitude: 21.3865, longitude: 103.0172), address: "Tổ \(index % 30 + 1), phường Mường Thanh",
            area: AdministrativeArea(province: "dien-bien", district: "tp-dien-bien-phu", commune: ward),
            reporter: Reporter(name: "Người dân \(index + 1)"), receivedAt: Date(timeIntervalSince1970: 1_713_312_000),
            status: .forwarded, assignedUnit: ward)
    }

    /// Records the verifications with their photos (valid JPEGs of seeded sizes); returns the photo bytes.
    private func record(_ reports: [Report], on officer: FieldClient) async throws -> Int {
        let source = try PhotoBenchmark.samplePhoto()
        var state = plan.seed &* 0x9E37_79B9_7F4A_7C15 | 1
        var total = 0
        var photo = 0
        for (index, report) in reports.enumerated() {
            let count = plan.photos / reports.count + (index < plan.photos % reports.count ? 1 : 0)
            var paths: [String] = []
            for _ in 0..<count {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let span = UInt64(plan.photoBytes.upperBound - plan.photoBytes.lowerBound + 1)
                let size = plan.photoBytes.lowerBound + Int((state >> 33) % span)
                photo += 1
                paths.append(try PhotoBenchmark.makePhoto(from: source, size: size, seed: plan.seed &* 1000 &+ UInt64(photo), in: folder))
            }
            let recorded = try await officer.verify(report.code, VerificationRequest(
                finding: .confirmed, notes: "Đã kiểm tra tại hiện trường, ảnh kèm theo.", latitude: 21.3866, longitude: 103.0171, photos: paths))
            total += recorded.photos.reduce(0) { $0 + Int($1.attachment.byteCount) }
            for path in paths { try? FileManager.default.removeItem(atPath: path) }
        }
        return total
    }

    // MARK: Printing

    static func row(_ name: String, _ value: String) -> String { name.padding(toLength: 40, withPad: " ", startingAt: 0) + value }
    static func at(_ seconds: Double?) -> String { seconds.map { String(format: "%.1f s", $0) } ?? "never" }
    static func seconds(_ duration: Duration) -> String { String(format: "%g", duration.seconds) }
}

/// Retries the persistent sync announced (its progress callback runs on the sync's task).
final class RetryCounter: @unchecked Sendable {
    // @unchecked: `value` is only touched under `lock`.
    private let lock = NSLock()
    private var value = 0
    var count: Int { lock.withLock { value } }
    func add() { lock.withLock { value += 1 } }
}
