import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import OnSiteCore
import OnSiteCrypto
import OnSiteRelay
import OnSiteSync
import Testing

/// `/v1/uploads` and `/v1/blobs`, driven in process: every refusal stores nothing and exposes nothing.
@Suite("Upload routes")
struct UploadRouteTests {
    typealias Fixture = RelayRouteTests.Fixture

    static let photos = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples/photos")
    static func sample(_ name: String) throws -> Data { try Data(contentsOf: photos.appendingPathComponent(name)) }
    static func hash(_ data: Data) -> String { SHA256.hash(data).hex }

    static func headers(_ token: String, offset: Int64? = nil, chunk: Data? = nil, checksum: String? = nil) -> HTTPFields {
        var fields = RelayRouteTests.headers(token)
        if let offset { fields[HTTPField.Name("Upload-Offset")!] = String(offset) }
        if let chunk {
            fields[.contentType] = "application/offset+octet-stream"
            fields[.contentLength] = String(chunk.count)
            fields[HTTPField.Name("Upload-Checksum")!] = checksum ?? "sha256 \(hash(chunk))"
        }
        return fields
    }

    /// Pushes a report in the officer's ward (from the hub) and the officer's attachments for `blobs`.
    static func seed(_ client: some TestClientProtocol, _ fixture: Fixture, _ blobs: [Data]) async throws {
        let report = fixture.report("r1", commune: "phuong-muong-thanh")
        let create = fixture.changeSet(from: fixture.hub.id, sequence: 1, [(.createReport(report), "r1")])
        try await client.execute(uri: "/v1/changesets", method: .post, headers: RelayRouteTests.headers(fixture.hub.token), body: try RelayRouteTests.body(create)) {
            #expect($0.status == .ok)
        }
        let attachments = blobs.enumerated().map { index, data in
            Change.addAttachment(Attachment(reportId: "r1", sha256: hash(data), byteCount: Int64(data.count), contentType: "image/jpeg",
                                            fileName: "p\(index).jpg", addedBy: "Lan", addedAt: Date(timeIntervalSince1970: 1_713_400_000)))
        }
        let attach = fixture.changeSet(from: fixture.officer.id, sequence: 1, attachments.map { ($0, "r1") })
        try await client.execute(uri: "/v1/changesets", method: .post, headers: RelayRouteTests.headers(fixture.officer.token), body: try RelayRouteTests.body(attach)) {
            #expect($0.status == .ok)
        }
    }

    static func create(_ client: some TestClientProtocol, _ token: String, _ data: Data, type: String = "image/jpeg", byteCount: Int64? = nil) async throws -> TestResponse {
        let request = UploadRequest(sha256: hash(data), byteCount: byteCount ?? Int64(data.count), contentType: type)
        return try await client.execute(uri: "/v1/uploads", method: .post, headers: RelayRouteTests.headers(token), body: try RelayRouteTests.body(request))
    }

    static func patch(_ client: some TestClientProtocol, _ token: String, _ sha256: String, offset: Int64, _ chunk: Data, checksum: String? = nil) async throws -> TestResponse {
        try await client.execute(uri: "/v1/uploads/\(sha256)", method: .patch, headers: headers(token, offset: offset, chunk: chunk, checksum: checksum),
                                 body: ByteBuffer(bytes: chunk))
    }

    static func status(_ response: TestResponse) throws -> UploadStatus { try RelayRouteTests.decode(UploadStatus.self, response.body) }
    static func errorCode(_ response: TestResponse) -> ErrorCode? { try? RelayRouteTests.decode(ErrorBody.self, response.body).error.code }

    /// The size of the bytes of the (one) upload in progress of `sha256` (uploads are per hash and device).
    static func partialSize(_ fixture: Fixture, _ sha256: String) -> Int? {
        let uploads = fixture.server.blobs.directory.appendingPathComponent("uploads")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: uploads.path)) ?? [])
            .filter { $0.hasPrefix(sha256 + ".") && !$0.hasSuffix(".json") }
        guard names.count == 1, let name = names.first,
              let attributes = try? FileManager.default.attributesOfItem(atPath: uploads.appendingPathComponent(name).path)
        else { return nil }
        return (attributes[.size] as? NSNumber)?.intValue
    }

    func offset(_ client: some TestClientProtocol, _ token: String, _ sha256: String) async throws -> Int64? {
        let response = try await client.execute(uri: "/v1/uploads/\(sha256)", method: .head, headers: RelayRouteTests.headers(token))
        return response.headers[HTTPField.Name("Upload-Offset")!].flatMap { Int64($0) }
    }

    @Test("Chunks build the blob; the last one publishes it, appends blob_available, and a second create sends nothing", arguments: StoreKind.allCases)
    func wholeUpload(kind: StoreKind) async throws {
        let fixture = try await Fixture(kind)
        let photo = try Self.sample("dbp-site-1.jpg")
        let sha256 = Self.hash(photo)
        let blobs = fixture.server.blobs
        try await fixture.server.makeApplication().test(.router) { client in
            try await Self.seed(client, fixture, [photo])
            let created = try await Self.create(client, fixture.officer.token, photo)
            #expect(created.status == .created)
            #expect(try Self.status(created).offset == 0)

            // When: 4 KiB chunks, each with its checksum
            var offset: Int64 = 0
            while offset < photo.count {
                let chunk = photo[Int(offset)..<min(photo.count, Int(offset) + 4096)]
                #expect(!blobs.hasBlob(sha256), "nothing visible before the last chunk")
                let answer = try await Self.patch(client, fixture.officer.token, sha256, offset: offset, Data(chunk))
                #expect(answer.status == .ok)
                offset = try Self.status(answer).offset
                if offset < photo.count { #expect(try await self.offset(client, fixture.officer.token, sha256) == offset) }
            }

            // Then: published, downloadable by hash, announced in the log by the relay
            #expect(blobs.hasBlob(sha256))
            let downloaded = try await client.execute(uri: "/v1/blobs/\(sha256)", method: .get, headers: RelayRouteTests.headers(fixture.officer.token))
            #expect(downloaded.status == .ok)
            #expect(Self.hash(Data(downloaded.body.readableBytesView)) == sha256)
            let entries = try await fixture.server.storage.logEntries(after: 0, limit: 100)
            #expect(entries.last?.deviceId == "relay")
            #expect(entries.last?.operation.change == .blobAvailable(sha256: sha256))
            let page = try await client.execute(uri: "/v1/changes?since=0", method: .get, headers: RelayRouteTests.headers(fixture.officer.token))
            #expect(try RelayRouteTests.decode(PullPage.self, page.body).snapshots.first?.availableBlobs == [sha256])

            // And: a device asking again is told it is complete (no bytes to send); a device of another ward may not
            let again = try await Self.create(client, fixture.officer.token, photo)
            #expect(again.status == .ok)
            #expect(try Self.status(again).complete)
            let stranger = try await client.execute(uri: "/v1/blobs/\(sha256)", method: .get, headers: RelayRouteTests.headers(fixture.otherWard.token))
            #expect(stranger.status == .notFound && Self.errorCode(stranger) == .blobNotReferenced)
            let strangerUpload = try await Self.create(client, fixture.otherWard.token, photo)
            #expect(Self.errorCode(strangerUpload) == .blobNotReferenced)
        }
    }

    @Test("A corrupt chunk is discarded with 460 and the offset stays; a wrong offset is 409 with the relay's offset", arguments: StoreKind.allCases)
    func corruptChunkAndWrongOffset(kind: StoreKind) async throws {
        let fixture = try await Fixture(kind)
        let photo = try Self.sample("dbp-site-2.jpg")
        let sha256 = Self.hash(photo)
        try await fixture.server.makeApplication().test(.router) { client in
            try await Self.seed(client, fixture, [photo])
            _ = try await Self.create(client, fixture.officer.token, photo)
            let first = photo.prefix(5000)
            #expect(try await Self.patch(client, fixture.officer.token, sha256, offset: 0, Data(first)).status == .ok)

            // Corrupt: the bytes differ from the checksum sent
            var damaged = Data(photo[5000..<10000])
            damaged[100] ^= 0xFF
            let corrupt = try await Self.patch(client, fixture.officer.token, sha256, offset: 5000, damaged,
                                               checksum: "sha256 \(Self.hash(Data(photo[5000..<10000])))")
            #expect(corrupt.status.code == 460 && Self.errorCode(corrupt) == .checksumMismatch)
            #expect(try await self.offset(client, fixture.officer.token, sha256) == 5000)
            #expect(Self.partialSize(fixture, sha256) == 5000, "the discarded chunk left no byte")

            // Wrong offset: ahead of the relay, or behind it
            for wrong: Int64 in [7000, 0] {
                let mismatch = try await Self.patch(client, fixture.officer.token, sha256, offset: wrong, Data(photo[Int(wrong)..<Int(wrong) + 100]))
                #expect(mismatch.status == .conflict && Self.errorCode(mismatch) == .offsetMismatch)
                #expect(mismatch.headers[HTTPField.Name("Upload-Offset")!] == "5000")
            }
            #expect(try await self.offset(client, fixture.officer.token, sha256) == 5000)

            // The right chunk from the relay's offset completes it
            let rest = try await Self.patch(client, fixture.officer.token, sha256, offset: 5000, Data(photo[5000...]))
            #expect(try Self.status(rest).complete)
        }
    }

    @Test("Oversized files, wrong types and non-JPEG bytes are refused before anything is stored", arguments: StoreKind.allCases)
    func limits(kind: StoreKind) async throws {
        var limits = SyncLimits()
        limits.maxAttachmentBytes = 10_000
        let fixture = try await Fixture(kind, limits: limits)
        let big = try Self.sample("dbp-site-1.jpg")  // 14,098 bytes > 10,000
        let gif = Data("GIF89a, not a JPEG at all".utf8)
        let uploads = fixture.server.blobs.directory.appendingPathComponent("uploads")
        try await fixture.server.makeApplication().test(.router) { client in
            try await Self.seed(client, fixture, [gif])
            let oversized = try await Self.create(client, fixture.officer.token, big)
            #expect(oversized.status == .unprocessableContent && Self.errorCode(oversized) == .attachmentTooLarge)
            let png = try await Self.create(client, fixture.officer.token, gif, type: "image/png")
            #expect(png.status == .unsupportedMediaType && Self.errorCode(png) == .unsupportedType)
            #expect(!FileManager.default.fileExists(atPath: uploads.path), "nothing stored yet")

            // A JPEG record whose bytes are not a JPEG: refused on the first bytes, before they are written
            #expect(try await Self.create(client, fixture.officer.token, gif).status == .created)
            let notJPEG = try await Self.patch(client, fixture.officer.token, Self.hash(gif), offset: 0, gif)
            #expect(notJPEG.status == .unsupportedMediaType && Self.errorCode(notJPEG) == .notJPEG)
            #expect(Self.partialSize(fixture, Self.hash(gif)) == 0)
            #expect(!fixture.server.blobs.hasBlob(Self.hash(gif)))
        }
    }

    @Test("A relay restart keeps the durable offset: the upload resumes where it stopped")
    func restartResumes() async throws {
        let fixture = try await Fixture()
        let photo = try Self.sample("dbp-site-3-mm.jpg")
        let sha256 = Self.hash(photo)
        try await fixture.server.makeApplication().test(.router) { client in
            try await Self.seed(client, fixture, [photo])
            _ = try await Self.create(client, fixture.officer.token, photo)
            #expect(try await Self.patch(client, fixture.officer.token, sha256, offset: 0, Data(photo.prefix(6000))).status == .ok)
        }
        // When: a new relay process opens the same data directory
        let restarted = try RelayServer(configuration: fixture.server.configuration, logger: fixture.server.logger)
        try await restarted.makeApplication().test(.router) { client in
            let found = try await Self.create(client, fixture.officer.token, photo)
            let offset = try Self.status(found).offset
            #expect(found.status == .ok && offset == 6000)
            let rest = try await Self.patch(client, fixture.officer.token, sha256, offset: 6000, Data(photo[6000...]))
            #expect(try Self.status(rest).complete)
            #expect(restarted.store.blobs.hasBlob(sha256))
        }
    }

    @Test("A truncated JPEG is refused when its last chunk arrives; the upload is discarded and nothing is visible", arguments: StoreKind.allCases)
    func truncatedJPEG(kind: StoreKind) async throws {
        let fixture = try await Fixture(kind)
        let truncated = try Self.sample("truncated.jpg")
        let sha256 = Self.hash(truncated)
        try await fixture.server.makeApplication().test(.router) { client in
            try await Self.seed(client, fixture, [truncated])
            _ = try await Self.create(client, fixture.officer.token, truncated)
            let answer = try await Self.patch(client, fixture.officer.token, sha256, offset: 0, truncated)
            #expect(answer.status == .unprocessableContent && Self.errorCode(answer) == .truncatedJPEG)
            let body = try RelayRouteTests.decode(ErrorBody.self, answer.body)
            #expect(body.error.message.contains("end-of-image"))
            #expect(!fixture.server.blobs.hasBlob(sha256))
            let download = try await client.execute(uri: "/v1/blobs/\(sha256)", method: .get, headers: RelayRouteTests.headers(fixture.officer.token))
            #expect(Self.errorCode(download) == .blobPending)
            let status = try await client.execute(uri: "/v1/uploads/\(sha256)", method: .get, headers: RelayRouteTests.headers(fixture.officer.token))
            #expect(Self.errorCode(status) == .unknownUpload)
            let page = try await client.execute(uri: "/v1/changes?since=0", method: .get, headers: RelayRouteTests.headers(fixture.officer.token))
            #expect(try RelayRouteTests.decode(PullPage.self, page.body).changes.allSatisfy { $0.operation.change.kind != .blobAvailable })
        }
    }
}
