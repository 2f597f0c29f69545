import Foundation
import OnSiteClient
import OnSiteCore
import OnSiteSync
import Testing

/// Issue 10, "one connection per sync": every request of a sync rides one kept-alive TLS connection.
@Suite("One connection per sync", .serialized)
struct ConnectionTests {
    @Test("a sync with several change sets, pull pages and photo chunks opens one TLS connection")
    func oneConnectionPerSync() async throws {
        // Given an officer with notes for several change sets and a photo of several chunks queued
        let world = try PhotoTests.World()
        let lan = try world.officer("lan")
        for index in 1...12 {
            try #require(try lan.onsite("note", "DB-2024-00101", "Ghi chú số \(index)").status == 0)
        }
        let photo = try SamplePhotos.padded("dbp-site-1.jpg", to: 600_000, seed: 7, in: world.parent)
        try #require(try lan.onsite("attach", "DB-2024-00101", "--photo", photo.path).status == 0)
        let replica = try Replica(directory: lan.folder)
        var engine = SyncEngine(replica: replica)
        engine.changeSetSize = 5
        engine.pageSize = 3

        // When it syncs once, in process, over the real relay: records, then the photo in 128 KiB chunks
        let client = try await engine.makeClient()
        var report = SyncReport()
        try await engine.push(client: client, into: &report)
        try await engine.pull(client: client, into: &report)
        try await engine.uploadPhotos(client: client, chunkSize: 128 * 1024, into: &report)

        // Then push, pull and photo requests were many, and connections one
        let requests = report.push.requests + report.pull.requests + report.photos.counters.requests
        let connections = report.push.connections + report.pull.connections + report.photos.counters.connections
        #expect(report.changeSetsPushed >= 3)
        #expect(report.pagesPulled >= 2)
        #expect(report.photos.counters.requests >= 5)
        #expect(requests >= 10)
        #expect(connections == 1, "\(requests) requests opened \(connections) connections")
    }

    @Test("change sets travel gzip-compressed once the relay has said it reads gzip")
    func compressedChangeSets() async throws {
        // Given an officer with 15 long notes queued: three change sets of five
        let world = try PhotoTests.World()
        let lan = try world.officer("lan")
        let text = String(repeating: "Mặt đường bị sụt lún, nước đọng sau mưa. ", count: 50)
        for index in 1...15 {
            try #require(try lan.onsite("note", "DB-2024-00101", "\(index). \(text)").status == 0)
        }
        let replica = try Replica(directory: lan.folder)
        var engine = SyncEngine(replica: replica)
        engine.changeSetSize = 5
        let client = try await engine.makeClient()

        // When it pushes over a fresh client (the first change set goes before the relay has answered once)
        var report = SyncReport()
        try await engine.push(client: client, into: &report)

        // Then all 15 are applied, and the bytes sent are well under the notes' own text: the 2nd and 3rd were gzip
        let textBytes = 15 * text.utf8.count
        #expect(report.changeSetsPushed == 3 && report.operationsApplied == 15)
        #expect(report.push.bytesSent < textBytes * 6 / 10, "\(report.push.bytesSent) bytes sent for \(textBytes) bytes of text")
    }
}
