import Foundation
import OnSiteCrypto
import OnSiteSync
import Testing

/// The relay keeps the bytes of a chunk cut by a dropped link; the whole-file SHA-256 is their check.
@Suite("Cut chunks", .serialized)
struct CutChunkTests {
    typealias World = HostileConnectionTests.World

    /// Starts the upload, sends `firstHalf` as the beginning of a whole-file chunk, then drops the connection.
    static func cutAfter(_ firstHalf: Data, _ world: World) async throws {
        let created = try world.client.request("POST", "/v1/uploads", token: world.officerToken, headers: ["Content-Type": "application/json"],
                                               body: try WireCoding.encode(UploadRequest(sha256: world.sha256, byteCount: Int64(world.photo.count), contentType: "image/jpeg")))
        #expect(created.status == 201, "\(created.text)")
        let head = "PATCH /v1/uploads/\(world.sha256) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(world.officerToken)\r\n"
            + "Content-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\nContent-Length: \(world.photo.count)\r\n"
            + "Upload-Checksum: \(UploadProtocol.checksum(hex: world.sha256))\r\n\r\n"
        let connection = try world.client.stall(after: Data(head.utf8) + firstHalf)
        let deadline = Date().addingTimeInterval(15)
        while world.partialBytes() < firstHalf.count, connection.isOpen, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        try #require(world.partialBytes() == firstHalf.count, "the relay received the first half")
        connection.close()  // the link drops: the process dies, its socket closes mid-body
    }

    /// The relay's durable offset, once it stops moving (the cut is handled as the connection closes).
    static func settledOffset(_ world: World, expecting wanted: Int64) async throws -> Int64 {
        var offset: Int64 = -1
        for _ in 0..<50 {
            let answer = try world.client.request("GET", "/v1/uploads/\(world.sha256)", token: world.officerToken)
            offset = (try? WireCoding.decode(UploadStatus.self, from: answer.body))?.offset ?? -1
            if offset == wanted { return offset }
            try await Task.sleep(for: .milliseconds(100))
        }
        return offset
    }

    static func patch(_ world: World, from offset: Int, _ bytes: Data) throws -> RawRelayClient.Answer {
        try world.client.request("PATCH", "/v1/uploads/\(world.sha256)", token: world.officerToken, headers: [
            "Content-Type": "application/offset+octet-stream", "Upload-Offset": String(offset),
            "Upload-Checksum": UploadProtocol.checksum(hex: SHA256.hash(bytes).hex),
        ], body: bytes)
    }

    @Test("A chunk cut midway keeps the bytes that arrived: the offset moves past them and the rest completes the photo")
    func cutChunkKeepsItsBytes() async throws {
        // Given: half of a whole-file chunk arrived, then the link dropped
        let world = try World(extraConfiguration: "")
        let half = world.photo.count / 2
        try await Self.cutAfter(world.photo.prefix(half), world)

        // Then: the relay's offset is past the half it received (fsynced, recorded)
        #expect(try await Self.settledOffset(world, expecting: Int64(half)) == Int64(half))

        // When: the device sends only the rest
        let rest = try Self.patch(world, from: half, world.photo.dropFirst(half))

        // Then: the whole file hashes to its name: the photo is complete and served byte for byte
        #expect(rest.status == 200, "\(rest.text)")
        #expect(try WireCoding.decode(UploadStatus.self, from: rest.body).complete)
        let download = try world.client.request("GET", "/v1/blobs/\(world.sha256)", token: world.officerToken)
        #expect(download.status == 200 && download.body == world.photo)
    }

    @Test("Kept bytes that are not the file's (a tampered partial) fail the whole-file hash: 409 upload_restarted, offset 0, then the photo completes")
    func tamperedPartialRestarts() async throws {
        // Given: half a chunk of wrong bytes (a JPEG start, then noise) arrived before the link dropped
        let world = try World(extraConfiguration: "")
        let half = world.photo.count / 2
        var tampered = Data(world.photo.prefix(3))
        tampered.append(contentsOf: (3..<half).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try await Self.cutAfter(tampered, world)
        #expect(try await Self.settledOffset(world, expecting: Int64(half)) == Int64(half))

        // When: the device sends the true rest of the file
        let rest = try Self.patch(world, from: half, world.photo.dropFirst(half))

        // Then: the whole file does not hash to its name: the upload is emptied, the answer says so and where to go on
        #expect(rest.status == 409, "\(rest.text)")
        #expect((try? WireCoding.decode(ErrorBody.self, from: rest.body))?.error.code == .uploadRestarted, "\(rest.text)")
        #expect(try await Self.settledOffset(world, expecting: 0) == 0)
        let pending = try world.client.request("GET", "/v1/blobs/\(world.sha256)", token: world.officerToken)
        #expect(pending.status == 404, "nothing is published")

        // And: the whole file sent again completes the photo
        let again = try Self.patch(world, from: 0, world.photo)
        #expect(again.status == 200, "\(again.text)")
        let download = try world.client.request("GET", "/v1/blobs/\(world.sha256)", token: world.officerToken)
        #expect(download.status == 200 && download.body == world.photo)
    }
}
