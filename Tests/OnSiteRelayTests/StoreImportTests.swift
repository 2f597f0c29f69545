import Foundation
import GRDB
import Logging
import OnSiteCore
import OnSiteCrypto
@testable import OnSiteRelay
import OnSiteStorage
import OnSiteSync
import PostgresNIO
import Testing

/// Issue 13, "Moving a store": `onsite-relay migrate-store --from DATA_FOLDER --to postgresql://…` copies a SQLite store
/// with history, conflicts, photos, compaction and signed evidence into PostgreSQL; both stores then answer alike.
@Suite("Moving a SQLite store into PostgreSQL")
struct StoreImportTests {
    static let now = Date(timeIntervalSince1970: 1_713_500_000)
    static let logger = Logger(label: "test.import")

    /// A relay's store with a signed verification and photo (uploaded), a conflict, a rotated token, a device seen,
    /// the log compacted through version 3, and writes after that.
    struct History {
        let signed: EvidenceAuditTests.Signed
        let otherWard: Actor
        let rotatedToken: String

        init() async throws {
            signed = try await EvidenceAuditTests.Signed()
            let fixture = signed.fixture
            let store = signed.store
            otherWard = Actor(deviceId: fixture.otherWard.id, role: .officer, units: ["phuong-him-lam"])
            _ = try await signed.seed()
            _ = try await store.blobUploaded(signed.photoHash, by: signed.officer.deviceId, byteCount: Int64(signed.photo.count), at: StoreImportTests.now)
            _ = try await pull(store, since: 0, as: signed.officer)
            _ = try await signed.push(fixture.changeSet(from: signed.hub.deviceId, sequence: 2, [
                (.setField(.title, .text("Tiêu đề của IOC")), "r1"), (.createReport(fixture.report("r2", commune: "phuong-him-lam")), "r2"),
            ]), by: signed.hub)
            // The officer writes the title from an older base: the hub's title is kept as a conflict.
            var racing = fixture.changeSet(from: signed.officer.deviceId, sequence: 2, [(.setField(.title, .text("Tiêu đề của cán bộ")), "r1")])
            racing.operations = try racing.operations.map(signed.sign)
            let raced = try await signed.push(racing, by: signed.officer)
            #expect(try await store.conflictsRecorded(by: raced) == 1)
            rotatedToken = fixture.otherWard.token
            _ = try await store.rotateToken(of: otherWard.deviceId, newTokenHash: DeviceToken.hashHex(of: "new-token-of-other-ward"), at: StoreImportTests.now)
            try await store.noteSeen(signed.officer.deviceId, at: StoreImportTests.now)
            #expect(try await store.compact(through: 3).compactedThrough == 3)
            _ = try await signed.push(fixture.changeSet(from: signed.hub.deviceId, sequence: 3, [
                (.addNote(Note(author: "IOC", at: StoreImportTests.now, text: "Đã chuyển phường")), "r2"),
                (.createReport(fixture.report("r3", commune: "phuong-muong-thanh")), "r3"),
            ]), by: signed.hub)
        }

        var dataDirectory: String { signed.fixture.server.configuration.dataDirectory }
        var store: RelayStore { signed.store }
        var actors: [Actor] { [signed.hub, signed.officer, otherWard] }
    }

    static func pull(_ store: any RelaySyncStorage, since: Int64, as actor: Actor) async throws -> PullPage {
        try await store.pull(PullRequest(since: since, limit: 500), for: actor, now: now, maxPageBytes: SyncLimits().maxPageBytes)
    }

    /// A device as both stores must hold it; dates to the millisecond (SQLite keeps no more).
    static func comparable(_ device: DeviceRecord) -> String {
        "\(device.id) \(device.name) \(device.role) \(device.units) \(device.tokenHash) \(WireDate.millis(device.createdAt)) \(device.revokedAt.map { String(WireDate.millis($0)) } ?? "-")"
    }

    static func fileBytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    @Test("a store with history, conflicts, photos, compaction and signed evidence moves whole: same identity, head, pages, tokens; pushes continue the chain")
    func movesWhole() async throws {
        let history = try await History()
        let sqlite = history.store
        let storePath = history.signed.fixture.server.configuration.storePath
        let before = (Self.fileBytes(storePath), Self.fileBytes(storePath + "-wal"))
        let location = try await PostgresTestCluster.freshDatabase()

        let summary = try await PostgresStoreImport.run(from: history.dataDirectory, to: location, logger: Self.logger)

        #expect(Self.fileBytes(storePath) == before.0 && Self.fileBytes(storePath + "-wal") == before.1, "the SQLite store was written")
        #expect(summary.identity == (try await sqlite.identity()))
        #expect(summary.chainHead == (try await sqlite.chainHead()))
        #expect(summary.compactedThrough == 3)
        let rows = Dictionary(uniqueKeysWithValues: summary.tables.map { ($0.table, $0.rows) })
        #expect(rows["device"] == 3 && rows["retiredToken"] == 1 && rows["deviceSeen"] == 1 && rows["deviceKey"] == 1)
        #expect(rows["blobUploader"] == 1 && rows["attachmentRef"] == 1 && rows["relayState"] == 1)
        let logged = try await sqlite.serverVersion() - 3
        #expect(rows["compactedOperation"] == 3 && rows["report"] == 3 && rows["log"].map(Int64.init) == logged)

        try await PostgresRelayStore.withStore(at: location, blobs: sqlite.blobs, checkpointKey: sqlite.checkpointKey,
                                                logger: Self.logger) { postgres async throws in
            #expect(try await postgres.identity() == sqlite.identity())
            #expect(try await postgres.serverVersion() == sqlite.serverVersion())
            #expect(try await postgres.chainHead() == sqlite.chainHead())
            #expect(try await postgres.devices().map(Self.comparable).sorted() == sqlite.devices().map(Self.comparable).sorted())
            #expect(try await postgres.deviceKeys().map(\.keyId) == sqlite.deviceKeys().map(\.keyId))
            #expect(try await postgres.lastSeen().mapValues(WireDate.millis) == sqlite.lastSeen().mapValues(WireDate.millis))
            // Every token still authenticates its device; the rotated one is still told it was rotated.
            for device in try await sqlite.devices() {
                #expect(try await postgres.device(tokenHash: device.tokenHash)?.id == device.id)
                #expect(try await postgres.servedVersion(of: device.id) == sqlite.servedVersion(of: device.id))
            }
            #expect(try await postgres.device(tokenHash: DeviceToken.hashHex(of: history.signed.fixture.officer.token))?.id == history.signed.officer.deviceId)
            #expect(try await postgres.retiredToken(DeviceToken.hashHex(of: history.rotatedToken))?.device.id == history.otherWard.deviceId)
            // Every device's pages are the same on both: from the start, from behind the compaction (a snapshot), and past it.
            let head = try await sqlite.serverVersion()
            for actor in history.actors {
                for since in [0, 1, head - 2] {
                    let expected = try await Self.pull(sqlite, since: since, as: actor)
                    let got = try await Self.pull(postgres, since: since, as: actor)
                    #expect(got == expected, "device \(actor.deviceId) since \(since)")
                }
            }
            // The photo's access rules, the hub's pages and the evidence proof read the same on both.
            for actor in history.actors {
                #expect(try await postgres.blobAccess(history.signed.photoHash, for: actor) == sqlite.blobAccess(history.signed.photoHash, for: actor))
            }
            #expect(try await postgres.blobAccess(history.signed.photoHash, for: history.otherWard).isGranted == false)
            #expect(try await postgres.hubPage(HubQuery(), for: history.signed.hub, offset: 0, limit: 10)
                    == sqlite.hubPage(HubQuery(), for: history.signed.hub, offset: 0, limit: 10))
            #expect(try await postgres.evidenceProof(of: "r1", for: history.signed.hub) == sqlite.evidenceProof(of: "r1", for: history.signed.hub))
            // A push after the move continues the versions and the chain as the SQLite store would have.
            let next = history.signed.fixture.changeSet(from: history.signed.hub.deviceId, sequence: 4, [
                (.addNote(Note(author: "IOC", at: Self.now, text: "Sau khi chuyển")), "r1"), (.setField(.isUrgent, .flag(true)), "r3"),
            ])
            let onSQLite = try await sqlite.push(next, from: history.signed.hub, limits: SyncLimits(), at: Self.now)
            let onPostgres = try await postgres.push(next, from: history.signed.hub, limits: SyncLimits(), at: Self.now)
            #expect(onPostgres == onSQLite)
            #expect(onPostgres.results.compactMap(\.version) == [head + 1, head + 2])
            #expect(try await postgres.chainHead() == sqlite.chainHead())
            // A change set pushed before the move is answered with its stored result.
            #expect(try await postgres.push(next, from: history.signed.hub, limits: SyncLimits(), at: Self.now).replayed)
        }
    }

    @Test("a database holding OnSite data is refused, and keeps what it held")
    func refusesADatabaseInUse() async throws {
        let history = try await History()
        let location = try await PostgresTestCluster.freshDatabase()
        _ = try await PostgresStoreImport.run(from: history.dataDirectory, to: location, logger: Self.logger)
        let version = try await history.store.serverVersion()
        let error = await #expect(throws: StoreImportError.self) {
            try await PostgresStoreImport.run(from: history.dataDirectory, to: location, logger: Self.logger)
        }
        #expect(error?.description.contains("holds an OnSite store already (3 device(s)") == true, "\(String(describing: error))")
        try await PostgresRelayStore.withStore(at: location, blobs: PostgresTestCluster.noBlobs, logger: Self.logger) { postgres async throws in
            #expect(try await postgres.serverVersion() == version)
            #expect(try await postgres.devices().count == 3)
        }
        // A relay that only enrolled one device on the database has made it a store in use too.
        let enrolled = try await PostgresTestCluster.freshDatabase()
        try await PostgresRelayStore.withStore(at: enrolled, blobs: PostgresTestCluster.noBlobs, logger: Self.logger) { postgres async throws in
            try await postgres.addDevice(DeviceRecord(id: "d1", name: "Máy 1", role: .officer, units: ["phuong-him-lam"], tokenHash: "h1", createdAt: Self.now))
        }
        let refused = await #expect(throws: StoreImportError.self) {
            try await PostgresStoreImport.run(from: history.dataDirectory, to: enrolled, logger: Self.logger)
        }
        #expect(refused?.description.contains("1 device(s)") == true)
        try await PostgresRelayStore.withStore(at: enrolled, blobs: PostgresTestCluster.noBlobs, logger: Self.logger) { postgres async throws in
            #expect(try await postgres.devices().map(\.id) == ["d1"])
            #expect(try await postgres.serverVersion() == 0)
        }
    }

    @Test("a missing folder, a folder without a relay store, a file that is not one, and a relay serving the folder are refused; the database is left untouched")
    func refusesABadSource() async throws {
        let location = try await PostgresTestCluster.freshDatabase()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("import-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }

        let missing = await #expect(throws: StoreImportError.self) {
            try await PostgresStoreImport.run(from: root + "/nowhere", to: location, logger: Self.logger)
        }
        #expect(missing?.description.contains("There is no data folder at \(root)/nowhere") == true)

        let empty = root + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let noStore = await #expect(throws: StoreImportError.self) {
            try await PostgresStoreImport.run(from: empty, to: location, logger: Self.logger)
        }
        #expect(noStore?.description.contains("relay.sqlite is not an OnSite relay store (there is no such file)") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty).isEmpty, "the folder was written")

        let garbage = root + "/garbage"
        try FileManager.default.createDirectory(atPath: garbage, withIntermediateDirectories: true)
        try Data("không phải SQLite".utf8).write(to: URL(fileURLWithPath: garbage + "/relay.sqlite"))
        let notStore = await #expect(throws: StoreImportError.self) {
            try await PostgresStoreImport.run(from: garbage, to: location, logger: Self.logger)
        }
        #expect(notStore?.description.contains("is not an OnSite relay store") == true, "\(String(describing: notStore))")

        let history = try await History()
        let held = try DataFolderLock(folder: history.dataDirectory, fileName: RelayDataFolder.lockFileName)
        let running = await #expect(throws: StoreImportError.self) {
            try await PostgresStoreImport.run(from: history.dataDirectory, to: location, logger: Self.logger)
        }
        #expect(running?.description.contains("(pid \(getpid())) is serving") == true, "\(String(describing: running))")
        withExtendedLifetime(held) {}

        #expect(try await Self.tables(in: location).isEmpty, "the refused moves made tables")
    }

    @Test("an unreachable database is refused with the server's reason; nothing is changed")
    func refusesAnUnreachableDatabase() async throws {
        let history = try await History()
        let version = try await history.store.serverVersion()
        let location = PostgresStoreLocation(host: "127.0.0.1", port: 1, username: "onsite", database: "onsite", tlsMode: .disable)
        let error = await #expect(throws: StoreImportError.self) {
            try await PostgresStoreImport.run(from: history.dataDirectory, to: location, logger: Self.logger)
        }
        #expect(error?.description.contains("Cannot connect to the PostgreSQL database postgresql://onsite@127.0.0.1:1/onsite") == true, "\(String(describing: error))")
        #expect(try await history.store.serverVersion() == version)
        // The folder's lock was released: a relay may start on it again.
        _ = try DataFolderLock(folder: history.dataDirectory, fileName: RelayDataFolder.lockFileName)
    }

    /// Reports pushed into the store of ``movesInBatches()``: more than ``ImportedTable/batchRows`` so every table's keyset
    /// resumes (`ONSITE_IMPORT_TEST_REPORTS` for a larger run, e.g. 100000 to time a large store).
    static let batchTestReports = ProcessInfo.processInfo.environment["ONSITE_IMPORT_TEST_REPORTS"].flatMap(Int.init) ?? 1_300

    @Test("a store larger than a batch moves in batches: every row once, pages equal on both stores")
    func movesInBatches() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("import-batches-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let sqlite = try RelayStore(path: folder + "/relay.sqlite")
        let hub = Actor(deviceId: "hub", role: .hub, units: ["dien-bien"])
        let officer = Actor(deviceId: "officer", role: .officer, units: ["phuong-muong-thanh"])
        for actor in [hub, officer] {
            try await sqlite.addDevice(DeviceRecord(id: actor.deviceId, name: "Máy \(actor.deviceId)", role: actor.role, units: actor.units.sorted(),
                                                    tokenHash: "hash-\(actor.deviceId)", createdAt: Self.now))
        }
        var sequence: Int64 = 0
        for start in stride(from: 0, to: Self.batchTestReports, by: 400) {
            sequence += 1
            let ids = (start..<min(start + 400, Self.batchTestReports)).map { "r\($0)" }
            let changeSet = RelaySyncStorageTests.changeSet(hub, sequence, ids.enumerated().map { index, id in
                (.createReport(RelaySyncStorageTests.report(id, ward: index % 2 == 0 ? "phuong-muong-thanh" : "phuong-him-lam")), id)
            })
            _ = try await sqlite.push(changeSet, from: hub, limits: SyncLimits(), at: Self.now)
        }
        // Uploaders have a two-column key: the composite keyset resumes too.
        for index in 0..<600 {
            _ = try await sqlite.blobUploaded(String(format: "%064x", index), by: index % 2 == 0 ? hub.deviceId : officer.deviceId, byteCount: 10, at: Self.now)
        }
        let location = try await PostgresTestCluster.freshDatabase()
        let summary = try await PostgresStoreImport.run(from: folder, to: location, logger: Self.logger)
        let rows = Dictionary(uniqueKeysWithValues: summary.tables.map { ($0.table, $0.rows) })
        #expect(rows["report"] == Self.batchTestReports && rows["log"] == Self.batchTestReports && rows["scopeLog"] == Self.batchTestReports)
        #expect(rows["blobUploader"] == 600)
        try await PostgresRelayStore.withStore(at: location, blobs: PostgresTestCluster.noBlobs, logger: Self.logger) { postgres async throws in
            #expect(try await postgres.chainHead() == sqlite.chainHead())
            let head = try await sqlite.serverVersion()
            for (since, actor) in [(0, officer), (head / 2, officer), (head / 2, hub)] {
                #expect(try await Self.pull(postgres, since: since, as: actor) == Self.pull(sqlite, since: since, as: actor))
            }
        }
    }

    /// The tables of the database's public schema.
    static func tables(in location: PostgresStoreLocation) async throws -> [String] {
        let connection = try await PostgresConnection.connect(configuration: try location.connectionConfiguration(), id: 9, logger: logger)
        var names: [String] = []
        do {
            for try await name in try await connection.query("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'", logger: logger)
                .decode(String.self) { names.append(name) }
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
        return names
    }
}
