import Foundation
import OnSiteClient
import OnSiteCore
import OnSiteLinkProxy
import OnSiteRelayProcess
import OnSiteSync
import Testing

/// Issue 10, "a field day on a bad link": uploads that make progress on a link that stays up a few seconds.
@Suite("Bad link", .serialized)
struct BadLinkTests {
    typealias World = PhotoTests.World

    @Test("A photo larger than what passes between two cuts arrives through a cutting, slow link in one `onsite sync`, with no manual step")
    func photoThroughCuts() async throws {
        // Given: an officer behind a link of 400 kB/s, 20 ms each way, cut every 0.5–1.5 s (at most 600 kB between cuts)
        let world = try World()
        let link = LinkProfile(bytesPerSecond: 400_000, delay: .milliseconds(20), cutEvery: 0.5...1.5, seed: 42)
        let proxy = try LinkProxy(upstreamPort: world.relay.port, profile: link, impaired: false)
        defer { proxy.stop() }
        let lan = try world.officer("Lan", via: proxy.url)
        let photo = try SamplePhotos.padded("dbp-site-1.jpg", to: 3_000_000, seed: 11, in: world.parent)
        let size = try Data(contentsOf: photo).count
        let sha256 = try SamplePhotos.sha256(photo.path)
        #expect(try lan.onsite("verify", "DB-2024-00101", "--finding", "confirmed", "--photo", photo.path).status == 0)
        let setUp = proxy.counters
        proxy.setImpaired(true)

        // When: one sync runs, with chunks sized to the link
        let started = ContinuousClock.now
        let synced = try lan.onsite("sync", "--json", "--until-done", "--deadline", "50")
        let seconds = (ContinuousClock.now - started) / .seconds(1)

        // Then: it ends with everything sent (exit 0), after going through dropped links by itself
        #expect(synced.status == 0, "\(synced.combined)")
        let summary = try PhotoTests.json(synced)
        let counters = proxy.counters
        #expect(counters.cuts >= 2, "the link was cut \(counters.cuts) times")
        #expect((summary["linkDrops"] ?? 0) >= 1 && summary["photosCompleted"] == 1 && summary["pendingPhotos"] == 0, "\(summary)")
        #expect(world.blobFiles == ["\(sha256.prefix(2))/\(sha256)"])
        let upstream = counters.upstreamSent - setUp.upstreamSent
        let ratio = Double(upstream) / Double(size)
        print("bad link: \(size) B photo in \(String(format: "%.1f", seconds)) s, \(counters.cuts) cuts, \(summary["attempts"] ?? 0) attempts, upstream \(upstream) B (× \(String(format: "%.3f", ratio)))")
        #expect(ratio < 1.25, "upstream \(upstream) B for a \(size) B photo")
    }
}
