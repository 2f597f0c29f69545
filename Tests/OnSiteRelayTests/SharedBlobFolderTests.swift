@testable import OnSiteRelay
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import OnSiteCrypto
import OnSiteSync
import Synchronization
import Testing

/// Relays on one PostgreSQL store share one data folder: its blobs, its uploads in progress and the relay's key.
/// Two blob stores (or two relays) on one folder stand for two relay processes here; the lease file's `flock`
/// excludes open file descriptions, so it holds between them as between processes.
@Suite("Blobs in a shared folder")
struct SharedBlobFolderTests {
    static let key = UploadKey(sha256: String(repeating: "b", count: 64), deviceId: "device-1")

    static func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("relay-shared-\(UUID().uuidString)")
    }

    @Test("A request through the other relay takes the upload over: the older one can no longer write, the newer one can")
    func newestWinsAcrossRelays() throws {
        // Given: two relays' blob stores on one folder, relay A's request holding one device's upload
        let folder = Self.folder()
        let relayA = RelayBlobStore(directory: folder), relayB = RelayBlobStore(directory: folder)
        _ = try relayA.createUpload(Self.key, byteCount: 10, contentType: "image/jpeg")
        let stale = try relayA.lease(Self.key)
        #expect(try stale.whileHeld { true })

        // When: the device's next request arrives at relay B
        let fresh = try relayB.lease(Self.key)

        // Then: A's request fails with upload_superseded, B's writes
        do {
            try stale.whileHeld { () }
            Issue.record("the superseded request could still write")
        } catch let error as RelayError {
            #expect(error.detail.code == .uploadSuperseded && error.status.code == 409)
        }
        #expect(try fresh.whileHeld { true })

        // And: another device's upload of the same blob is not touched
        let other = try relayA.lease(UploadKey(sha256: Self.key.sha256, deviceId: "device-2"))
        #expect(try fresh.whileHeld { true })
        #expect(try other.whileHeld { true })
    }

    @Test("Taking an upload waits for the chunk the other relay is writing, then supersedes it")
    func takeWaitsForTheWriteInProgress() async throws {
        // Given: relay A in the middle of writing a chunk (its body is running, under the lease)
        let folder = Self.folder()
        let relayA = RelayBlobStore(directory: folder), relayB = RelayBlobStore(directory: folder)
        _ = try relayA.createUpload(Self.key, byteCount: 10, contentType: "image/jpeg")
        let writing = try relayA.lease(Self.key)
        let started = DispatchSemaphore(value: 0)
        let finished = Flag()
        let writer = Thread {
            try? writing.whileHeld {
                started.signal()
                Thread.sleep(forTimeInterval: 0.3)
                finished.raise()
            }
        }
        writer.start()
        started.wait()

        // When: relay B takes the upload meanwhile
        let taken = try relayB.lease(Self.key)

        // Then: B got it only once A's write had ended, and A cannot write again
        #expect(finished.isRaised, "B took the upload while A was writing")
        #expect(throws: RelayError.self) { try writing.whileHeld { () } }
        #expect(try taken.whileHeld { true })
    }

    @Test("A device resumes through relay B from the offset relay A stored; the photo is downloadable through both")
    func resumeThroughTheOtherRelay() async throws {
        // Given: relays A and B on one data folder (and here one SQLite file, standing for one PostgreSQL database)
        let fixture = try await RelayRouteTests.Fixture()
        let relayA = fixture.server
        let relayB = try RelayServer(configuration: relayA.configuration, logger: Logger(label: "test.relay-b"))
        let photo = try UploadRouteTests.sample("dbp-site-1.jpg")
        let sha256 = UploadRouteTests.hash(photo)
        let half = photo.count / 2
        let token = fixture.officer.token
        try await relayA.makeApplication().test(.router) { clientA in
            try await relayB.makeApplication().test(.router) { clientB in
                try await UploadRouteTests.seed(clientA, fixture, [photo])

                // When: the upload starts through A, which stores the first half
                #expect(try await UploadRouteTests.create(clientA, token, photo).status == .created)
                let first = try await UploadRouteTests.patch(clientA, token, sha256, offset: 0, Data(photo[0..<half]))
                #expect(first.status == .ok)

                // Then: B knows where it stands (asking again through B does not restart it)
                let resumed = try await UploadRouteTests.create(clientB, token, photo)
                #expect(resumed.status == .ok)
                #expect(try UploadRouteTests.status(resumed).offset == Int64(half))

                // When: a chunk sent through B at a stale offset is refused, the right one completes the photo
                let stale = try await UploadRouteTests.patch(clientB, token, sha256, offset: 0, Data(photo[0..<half]))
                #expect(stale.status == .conflict && UploadRouteTests.errorCode(stale) == .offsetMismatch)
                let last = try await UploadRouteTests.patch(clientB, token, sha256, offset: Int64(half), Data(photo[half...]))
                #expect(last.status == .ok)
                #expect(try UploadRouteTests.status(last).complete)

                // Then: both relays serve the photo's bytes
                #expect(try await Self.download(clientA, sha256, token: token) == sha256)
                #expect(try await Self.download(clientB, sha256, token: token) == sha256)
            }
        }
    }

    @Test("Relays on one PostgreSQL store share their data folder; a relay on the folder's SQLite file cannot join them, nor they it")
    func folderLock() throws {
        var onPostgres = RelayConfiguration()
        onPostgres.dataDirectory = Self.folder().path
        onPostgres.store = "postgresql://onsite@127.0.0.1:5432/onsite"
        var onSQLite = onPostgres
        onSQLite.store = nil
        let logger = Logger(label: "test")

        // Given: two relays on the PostgreSQL store, sharing the folder
        var first: RelayDataFolder? = try RelayDataFolder.claim(onPostgres, logger: logger)
        var second: RelayDataFolder? = try RelayDataFolder.claim(onPostgres, logger: logger)

        // Then: a relay on the folder's SQLite file is refused, told why
        #expect {
            _ = try RelayDataFolder.claim(onSQLite, logger: logger)
        } throws: { error in
            "\(error)".contains("Relays on a PostgreSQL store are serving the data folder")
        }

        // When: they stop, the SQLite relay may start, and then they are refused, naming its pid
        withExtendedLifetime((first, second)) {}
        first = nil
        second = nil
        let alone = try RelayDataFolder.claim(onSQLite, logger: logger)
        #expect {
            _ = try RelayDataFolder.claim(onPostgres, logger: logger)
        } throws: { error in
            "\(error)".contains("(pid \(getpid()))")
        }
        withExtendedLifetime(alone) {}
    }

    @Test("Relays starting together on a folder without a key all sign with the one key on disk")
    func oneRelayKey() throws {
        let folder = Self.folder()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("relay-signing.key").path
        // When: eight relays load or create the key at once
        let keys = Mutex<[[UInt8]]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            if let key = try? Ed25519PrivateKey.loadOrCreate(at: path) { keys.withLock { $0.append(key.publicKey.rawRepresentation) } }
        }
        // Then: every one holds the key the file holds
        let onDisk = try Ed25519PrivateKey.loadOrCreate(at: path).publicKey.rawRepresentation
        let loaded = keys.withLock { $0 }
        #expect(loaded.count == 8)
        #expect(loaded.allSatisfy { $0 == onDisk })
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["relay-signing.key"], "no temporary file is left")
    }

    /// The hash of the blob's bytes as the relay serves them (nil unless 200).
    static func download(_ client: some TestClientProtocol, _ sha256: String, token: String) async throws -> String? {
        let downloaded = try await client.execute(uri: "/v1/blobs/\(sha256)", method: .get, headers: RelayRouteTests.headers(token))
        guard downloaded.status == .ok else { return nil }
        return UploadRouteTests.hash(Data(downloaded.body.readableBytesView))
    }

    final class Flag: Sendable {
        private let raised = Mutex(false)
        func raise() { raised.withLock { $0 = true } }
        var isRaised: Bool { raised.withLock { $0 } }
    }
}
