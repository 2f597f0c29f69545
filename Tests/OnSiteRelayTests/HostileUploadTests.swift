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

/// Issue 8, uploads: any enrolled device may be hostile. Each test is an attack that worked before the fix.
@Suite("Hostile uploads")
struct HostileUploadTests {
    typealias Fixture = RelayRouteTests.Fixture
    typealias Routes = UploadRouteTests

    /// The hub files r1 in the officer's ward and r2 in the other ward; the officer attaches and uploads `photo` to r1.
    static func seedUploaded(_ client: some TestClientProtocol, _ fixture: Fixture, _ photo: Data) async throws {
        try await Routes.seed(client, fixture, [photo])
        let r2 = fixture.changeSet(from: fixture.hub.id, sequence: 2, [(.createReport(fixture.report("r2", commune: "phuong-him-lam")), "r2")])
        let created = try await client.execute(uri: "/v1/changesets", method: .post, headers: RelayRouteTests.headers(fixture.hub.token), body: try RelayRouteTests.body(r2))
        #expect(created.status == .ok)
        #expect(try await Routes.create(client, fixture.officer.token, photo).status == .created)
        let done = try await Routes.patch(client, fixture.officer.token, Routes.hash(photo), offset: 0, photo)
        #expect(try Routes.status(done).complete)
    }

    /// The other ward's device attaches `sha256` with `byteCount` to its own report r2.
    static func attachToR2(_ client: some TestClientProtocol, _ fixture: Fixture, sha256: String, byteCount: Int64, sequence: Int64) async throws {
        let attachment = Attachment(reportId: "r2", sha256: sha256, byteCount: byteCount, contentType: "image/jpeg",
                                    fileName: "x.jpg", addedBy: "Mallory", addedAt: Date(timeIntervalSince1970: 1_713_400_000))
        let push = fixture.changeSet(from: fixture.otherWard.id, sequence: sequence, [(.addAttachment(attachment), "r2")])
        let answer = try await client.execute(uri: "/v1/changesets", method: .post, headers: RelayRouteTests.headers(fixture.otherWard.token), body: try RelayRouteTests.body(push))
        #expect(answer.status == .ok)
    }

    /// The hashes a first pull (a snapshot) shows the device as available, once each.
    static func availableHashes(_ client: some TestClientProtocol, _ token: String) async throws -> [String] {
        let page = try await client.execute(uri: "/v1/changes?since=0&limit=5000", method: .get, headers: RelayRouteTests.headers(token))
        let records = try RelayRouteTests.decode(PullPage.self, page.body).snapshots
        return Set(records.flatMap(\.availableBlobs)).sorted()
    }

    static func download(_ client: some TestClientProtocol, _ token: String, _ sha256: String) async throws -> TestResponse {
        try await client.execute(uri: "/v1/blobs/\(sha256)", method: .get, headers: RelayRouteTests.headers(token))
    }

    /// The error body with the hash's prefix blanked, to compare answers about two different hashes.
    static func shape(_ response: TestResponse, _ sha256: String) -> String {
        let body = (try? RelayRouteTests.decode(ErrorBody.self, response.body)).map { "\($0.error.code): \($0.error.message)" } ?? "(no error body)"
        return "\(response.status.code) " + body.replacingOccurrences(of: String(sha256.prefix(12)), with: "<hash>")
    }

    @Test("Attaching a known hash (with a wrong size, or the right one) does not reveal another unit's photo; the same answers as for a hash the relay never saw")
    func readingAnotherUnitsPhoto() async throws {
        let fixture = try await Fixture()
        let photo = try Routes.sample("dbp-site-1.jpg")
        let sha256 = Routes.hash(photo)
        let unknown = Routes.hash(Data("bytes nobody uploaded".utf8))
        try await fixture.server.makeApplication().test(.router) { client in
            // Given: the officer's photo on the relay, available on r1
            try await Self.seedUploaded(client, fixture, photo)
            #expect(try await Self.availableHashes(client, fixture.officer.token) == [sha256])

            // When: a device of another ward attaches the hash with byteCount 1 to its own report, and a hash nobody holds
            try await Self.attachToR2(client, fixture, sha256: sha256, byteCount: 1, sequence: 1)
            try await Self.attachToR2(client, fixture, sha256: unknown, byteCount: 1, sequence: 2)

            // Then: no blob_available on r2, the bytes are not served, and every answer is the one for the unknown hash
            #expect(try await Self.availableHashes(client, fixture.otherWard.token).isEmpty)
            let stolen = try await Self.download(client, fixture.otherWard.token, sha256)
            let never = try await Self.download(client, fixture.otherWard.token, unknown)
            #expect(stolen.status == .notFound && Routes.errorCode(stolen) == .blobPending)
            #expect(Self.shape(stolen, sha256) == Self.shape(never, unknown))
            for route in ["/v1/uploads/\(sha256)"] {
                let held = try await client.execute(uri: route, method: .get, headers: RelayRouteTests.headers(fixture.otherWard.token))
                let absent = try await client.execute(uri: "/v1/uploads/\(unknown)", method: .get, headers: RelayRouteTests.headers(fixture.otherWard.token))
                #expect(Self.shape(held, sha256) == Self.shape(absent, unknown))
            }
            let createHeld = try await client.execute(uri: "/v1/uploads", method: .post, headers: RelayRouteTests.headers(fixture.otherWard.token),
                                                      body: try RelayRouteTests.body(UploadRequest(sha256: sha256, byteCount: 1, contentType: "image/jpeg")))
            let createAbsent = try await client.execute(uri: "/v1/uploads", method: .post, headers: RelayRouteTests.headers(fixture.otherWard.token),
                                                        body: try RelayRouteTests.body(UploadRequest(sha256: unknown, byteCount: 1, contentType: "image/jpeg")))
            #expect(createHeld.status == .created && createAbsent.status == .created)
            #expect(try Routes.status(createHeld).complete == false)
            let onePatch = try await Routes.patch(client, fixture.otherWard.token, sha256, offset: 0, Data([0xFF]))
            #expect(onePatch.status == .unprocessableContent && Routes.errorCode(onePatch) == .hashMismatch)

            // When: it attaches the hash with the right size: still pending, "create" still wants every byte
            try await Self.attachToR2(client, fixture, sha256: sha256, byteCount: Int64(photo.count), sequence: 3)
            #expect(try await Self.availableHashes(client, fixture.otherWard.token).isEmpty)
            #expect(Routes.errorCode(try await Self.download(client, fixture.otherWard.token, sha256)) == .blobPending)
            let rightSize = try await Routes.create(client, fixture.otherWard.token, photo)
            #expect(try rightSize.status == .created && Routes.status(rightSize).offset == 0)
            var forged = photo
            forged[forged.count - 3] ^= 0x01
            let wrongBytes = try await Routes.patch(client, fixture.otherWard.token, sha256, offset: 0, forged)
            #expect(Routes.errorCode(wrongBytes) == .hashMismatch)
            #expect(Routes.errorCode(try await Self.download(client, fixture.otherWard.token, sha256)) == .blobPending)

            // When: it uploads the real bytes (it had them after all): possession is proved, r2 gets the blob
            #expect(try await Routes.create(client, fixture.otherWard.token, photo).status == .created)
            let proved = try await Routes.patch(client, fixture.otherWard.token, sha256, offset: 0, photo)
            #expect(try Routes.status(proved).complete)
            #expect(try await Self.availableHashes(client, fixture.otherWard.token) == [sha256])
            let served = try await Self.download(client, fixture.otherWard.token, sha256)
            #expect(served.status == .ok && Data(served.body.readableBytesView) == photo)
        }
    }

    @Test("A device that can see a report with the photo available gets its own attachment of it at once (dedupe), but only with the blob's size")
    func dedupeNeedsTheRightSize() async throws {
        let fixture = try await Fixture()
        let photo = try Routes.sample("dbp-site-2.jpg")
        let sha256 = Routes.hash(photo)
        try await fixture.server.makeApplication().test(.router) { client in
            try await Self.seedUploaded(client, fixture, photo)
            // Given: the hub sees r1 (photo available); it attaches the hash to r2 with a wrong size, then the right one
            let wrong = Attachment(reportId: "r2", sha256: sha256, byteCount: 7, contentType: "image/jpeg", fileName: "a.jpg",
                                   addedBy: "IOC", addedAt: Date(timeIntervalSince1970: 1_713_400_000))
            let push = fixture.changeSet(from: fixture.hub.id, sequence: 3, [(.addAttachment(wrong), "r2")])
            _ = try await client.execute(uri: "/v1/changesets", method: .post, headers: RelayRouteTests.headers(fixture.hub.token), body: try RelayRouteTests.body(push))
            #expect(try await Self.availableHashes(client, fixture.otherWard.token).isEmpty, "a wrong size is never granted")

            var right = wrong
            right.id = UUID()
            right.byteCount = Int64(photo.count)
            let again = fixture.changeSet(from: fixture.hub.id, sequence: 4, [(.addAttachment(right), "r2")])
            _ = try await client.execute(uri: "/v1/changesets", method: .post, headers: RelayRouteTests.headers(fixture.hub.token), body: try RelayRouteTests.body(again))
            #expect(try await Self.availableHashes(client, fixture.otherWard.token) == [sha256], "the hub could download it from r1")
            let created = try await Routes.create(client, fixture.hub.token, photo)
            #expect(try created.status == .ok && Routes.status(created).complete)
        }
    }

    @Test("Upload squatting: another device's upload of the hash with a wrong length does not block the owner")
    func squatting() async throws {
        let fixture = try await Fixture()
        let photo = try Routes.sample("dbp-site-1.jpg")
        let sha256 = Routes.hash(photo)
        try await fixture.server.makeApplication().test(.router) { client in
            try await Routes.seed(client, fixture, [photo])
            let r2 = fixture.changeSet(from: fixture.hub.id, sequence: 2, [(.createReport(fixture.report("r2", commune: "phuong-him-lam")), "r2")])
            _ = try await client.execute(uri: "/v1/changesets", method: .post, headers: RelayRouteTests.headers(fixture.hub.token), body: try RelayRouteTests.body(r2))
            // Given: the other ward's device references the hash with 5 bytes and starts an upload of 5 bytes
            try await Self.attachToR2(client, fixture, sha256: sha256, byteCount: 5, sequence: 1)
            let squat = try await Routes.create(client, fixture.otherWard.token, photo, byteCount: 5)
            #expect(squat.status == .created)
            #expect(try await Routes.patch(client, fixture.otherWard.token, sha256, offset: 0, Data(photo.prefix(3))).status == .ok)

            // When: the owner creates its upload with the right length and sends it
            let owner = try await Routes.create(client, fixture.officer.token, photo)

            // Then: it is not refused, starts at 0, and completes
            #expect(owner.status == .created, "\(Routes.errorCode(owner)?.rawValue ?? "")")
            let done = try await Routes.patch(client, fixture.officer.token, sha256, offset: 0, photo)
            #expect(try Routes.status(done).complete)
            #expect(fixture.server.store.blobs.hasBlob(sha256))
        }
    }

    @Test("Abandoned uploads are deleted after uploadExpiryHours (at start-up); younger ones are kept")
    func abandonedUploadsExpire() async throws {
        let fixture = try await Fixture()
        let photo = try Routes.sample("dbp-site-3-mm.jpg")
        let sha256 = Routes.hash(photo)
        let uploads = fixture.server.store.blobs.directory.appendingPathComponent("uploads")
        try await fixture.server.makeApplication().test(.router) { client in
            try await Routes.seed(client, fixture, [photo])
            _ = try await Routes.create(client, fixture.officer.token, photo)
            #expect(try await Routes.patch(client, fixture.officer.token, sha256, offset: 0, Data(photo.prefix(4000))).status == .ok)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: uploads.path).count == 2)

        // When: the relay starts 23 hours later: the upload is kept and resumes
        let soon = try RelayServer(configuration: fixture.server.configuration, logger: fixture.server.logger, now: Date().addingTimeInterval(23 * 3600))
        try await soon.makeApplication().test(.router) { client in
            let found = try await Routes.create(client, fixture.officer.token, photo)
            #expect(try Routes.status(found).offset == 4000)
        }

        // When: it starts 25 hours later (the default expiry is 24 h): the upload and its bytes are gone
        let later = try RelayServer(configuration: fixture.server.configuration, logger: fixture.server.logger, now: Date().addingTimeInterval(25 * 3600))
        #expect(try FileManager.default.contentsOfDirectory(atPath: uploads.path).isEmpty)
        try await later.makeApplication().test(.router) { client in
            let again = try await Routes.create(client, fixture.officer.token, photo)
            #expect(try again.status == .created && Routes.status(again).offset == 0)
        }
    }

    @Test("A configured expiry applies, and a bad one is refused with the key's name")
    func expiryConfiguration() async throws {
        var configuration = RelayConfiguration()
        configuration.allowPlainHTTP = true
        configuration.uploadExpiryHours = 0
        #expect(throws: RelayConfigurationError.self) { try configuration.validate() }
        do {
            try configuration.validate()
        } catch {
            #expect(error.description.contains("uploadExpiryHours"))
        }
        let decoded = try WireCoding.decode(RelayConfiguration.self, from: Data(#"{"uploadExpiryHours": 2, "connections": {"maxConnections": 100}}"#.utf8))
        #expect(decoded.uploadExpiryHours == 2 && decoded.connections.maxConnections == 100 && decoded.connections.idleTimeoutSeconds == 30)
        var badCap = RelayConfiguration()
        badCap.allowPlainHTTP = true
        badCap.connections.maxConnections = 0
        #expect(throws: RelayConfigurationError.self) { try badCap.validate() }
    }

    @Test("byteCount 0 or negative is 422 invalid_byte_count, not 413; over the limit stays 413", arguments: [Int64(0), -1, Int64.min])
    func badByteCount(_ byteCount: Int64) async throws {
        let fixture = try await Fixture()
        let photo = try Routes.sample("dbp-site-1.jpg")
        try await fixture.server.makeApplication().test(.router) { client in
            try await Routes.seed(client, fixture, [photo])
            let answer = try await Routes.create(client, fixture.officer.token, photo, byteCount: byteCount)
            #expect(answer.status == .unprocessableContent && Routes.errorCode(answer) == .invalidByteCount)
            let huge = try await Routes.create(client, fixture.officer.token, photo, byteCount: Int64.max)
            #expect(huge.status == .unprocessableContent && Routes.errorCode(huge) == .attachmentTooLarge)
        }
    }
}
