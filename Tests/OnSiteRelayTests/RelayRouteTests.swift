import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import OnSiteCore
import OnSiteCrypto
import OnSiteRelay
import OnSiteSync
import Logging
import Testing

/// The relay's routes, driven in process through Hummingbird's router test client.
@Suite("Relay routes")
struct RelayRouteTests {
    /// A relay on a fresh data folder with a hub for the province and an officer of one ward.
    struct Fixture {
        let server: RelayServer
        let hub: (id: String, token: String)
        let officer: (id: String, token: String)
        let otherWard: (id: String, token: String)
        /// The PostgreSQL store's pool, up while the fixture lives.
        private let pool: StorePoolRunner?

        init(_ kind: StoreKind = .sqlite, limits: SyncLimits = SyncLimits()) async throws {
            var configuration = RelayConfiguration()
            configuration.allowPlainHTTP = true
            configuration.dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("relay-test-\(UUID().uuidString)").path
            configuration.limits = limits
            (server, pool) = try await kind.relayServer(configuration: configuration)
            hub = try await Self.add(.hub, ["dien-bien"], to: server.storage)
            officer = try await Self.add(.officer, ["phuong-muong-thanh"], to: server.storage)
            otherWard = try await Self.add(.officer, ["phuong-him-lam"], to: server.storage)
        }

        static func add(_ role: Role, _ units: [String], to store: any RelayDeviceStorage) async throws -> (id: String, token: String) {
            let token = try DeviceToken.generate()
            let id = UUID().uuidString
            try await store.addDevice(DeviceRecord(id: id, name: role.rawValue, role: role, units: units, tokenHash: token.hashHex, createdAt: Date()))
            return (id, token.rawValue)
        }

        func report(_ id: String, commune: String) -> Report {
            Report(id: id, code: id.uppercased(), title: "Ổ gà", description: "", category: "an-toan-giao-thong",
                   location: GeoPoint(latitude: 21.38, longitude: 103.01), address: "Tổ 5",
                   area: AdministrativeArea(province: "dien-bien", district: "tp-dien-bien-phu", commune: commune),
                   reporter: Reporter(name: "Lò Văn Hùng", phone: "0912"), receivedAt: Date(timeIntervalSince1970: 1_713_312_000),
                   status: .forwarded, assignedUnit: commune)
        }

        func changeSet(from device: String, sequence: Int64, _ changes: [(Change, String)]) -> ChangeSet {
            ChangeSet(deviceId: device, sequence: sequence, baseVersion: 0, operations: changes.enumerated().map { index, item in
                SyncOperation(reportId: item.1, stamp: HybridTimestamp(wallMillis: 1_713_312_000_000 + sequence * 1_000 + Int64(index), counter: 0, device: device), change: item.0)
            })
        }
    }

    static func headers(_ token: String) -> HTTPFields {
        var fields = HTTPFields()
        fields[.authorization] = "Bearer \(token)"
        fields[.contentType] = "application/json"
        return fields
    }

    static func body<T: Encodable>(_ value: T) throws -> ByteBuffer { ByteBuffer(bytes: try WireCoding.encode(value)) }
    static func decode<T: Decodable>(_ type: T.Type, _ buffer: ByteBuffer) throws -> T {
        try WireCoding.decode(type, from: Data(buffer.readableBytesView))
    }

    @Test("Health answers without a token; every other route needs one, with a JSON error body", arguments: StoreKind.allCases)
    func authentication(kind: StoreKind) async throws {
        let fixture = try await Fixture(kind)
        try await fixture.server.makeApplication().test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/v1/me", method: .get) { response in
                #expect(response.status == .unauthorized)
                let decoded = try Self.decode(ErrorBody.self, response.body)
                #expect(decoded.error.code == .missingToken)
            }
            try await client.execute(uri: "/v1/changes", method: .get, headers: Self.headers("ost_wrong")) { response in
                #expect(response.status == .unauthorized)
                let decoded = try Self.decode(ErrorBody.self, response.body)
                #expect(decoded.error.code == .invalidToken)
            }
        }
    }

    @Test("A revoked device is refused with a sentence saying its work is kept", arguments: StoreKind.allCases)
    func revokedDevice(kind: StoreKind) async throws {
        let fixture = try await Fixture(kind)
        _ = try await fixture.server.storage.revokeDevice(id: fixture.officer.id, at: Date())
        try await fixture.server.makeApplication().test(.router) { client in
            try await client.execute(uri: "/v1/me", method: .get, headers: Self.headers(fixture.officer.token)) { response in
                #expect(response.status == .forbidden)
                let error = try Self.decode(ErrorBody.self, response.body).error
                #expect(error.code == .deviceRevoked)
                #expect(error.message.contains("unsynced work is kept"))
            }
        }
    }

    @Test("A first pull is a snapshot of the device's units only, paged by report id, ending at the snapshot's version", arguments: StoreKind.allCases)
    func scopedPagedPull(kind: StoreKind) async throws {
        let fixture = try await Fixture(kind)
        let reports = (1...5).map { fixture.report("r\($0)", commune: $0 % 2 == 0 ? "phuong-him-lam" : "phuong-muong-thanh") }
        let push = fixture.changeSet(from: fixture.hub.id, sequence: 1, reports.map { (.createReport($0), $0.id) })
        try await fixture.server.makeApplication().test(.router) { client in
            try await client.execute(uri: "/v1/changesets", method: .post, headers: Self.headers(fixture.hub.token), body: try Self.body(push)) { response in
                #expect(response.status == .ok)
                let decoded = try Self.decode(PushResult.self, response.body)
                #expect(decoded.appliedCount == 5)
            }
            // The officer of Mường Thanh sees r1, r3, r5, two per page
            var cursor: Int64 = 0
            var snapshot: SnapshotPosition?
            var seen: [String] = []
            var pages = 0
            repeat {
                let query = PullRequest(since: cursor, limit: 2, snapshot: snapshot).query
                let page = try await client.execute(uri: "/v1/changes?\(query)", method: .get, headers: Self.headers(fixture.officer.token)) {
                    try Self.decode(PullPage.self, $0.body)
                }
                #expect(page.changes.isEmpty)
                seen += page.snapshots.map(\.id)
                snapshot = page.snapshot
                if page.snapshot?.isComplete == false {
                    // The cursor waits for the snapshot's end
                    #expect(page.nextCursor == cursor)
                }
                cursor = page.nextCursor
                pages += 1
                if !page.hasMore { break }
            } while pages < 10
            #expect(seen == ["r1", "r3", "r5"])
            #expect(pages == 2)
            #expect(snapshot == SnapshotPosition(version: 5, after: "r5", isComplete: true))
            #expect(cursor == 5)
        }
    }

    @Test("An officer cannot write outside its units nor set hub-only fields; the rest of the change set applies", arguments: StoreKind.allCases)
    func permissions(kind: StoreKind) async throws {
        let fixture = try await Fixture(kind)
        let reports = [fixture.report("mine", commune: "phuong-muong-thanh"), fixture.report("theirs", commune: "phuong-him-lam")]
        let seed = fixture.changeSet(from: fixture.hub.id, sequence: 1, reports.map { (.createReport($0), $0.id) })
        let attempt = fixture.changeSet(from: fixture.officer.id, sequence: 2, [
            (.setField(.address, .text("Tổ 6")), "mine"),
            (.setField(.address, .text("Tổ 7")), "theirs"),
            (.setField(.assignedUnit, .text("phuong-muong-thanh")), "mine"),
            (.createReport(fixture.report("new", commune: "phuong-muong-thanh")), "new"),
        ])
        try await fixture.server.makeApplication().test(.router) { client in
            try await client.execute(uri: "/v1/changesets", method: .post, headers: Self.headers(fixture.hub.token), body: try Self.body(seed)) { _ in }
            let result = try await client.execute(uri: "/v1/changesets", method: .post, headers: Self.headers(fixture.officer.token), body: try Self.body(attempt)) {
                try Self.decode(PushResult.self, $0.body)
            }
            #expect(result.results.map(\.outcome) == [.applied, .rejected, .rejected, .rejected])
            #expect(result.results.compactMap(\.reason?.code) == [.outOfScope, .forbiddenField, .forbiddenOperation])
        }
    }

    @Test("A reused sequence, a foreign device id and an oversized body are refused and change nothing", arguments: StoreKind.allCases)
    func protocolViolations(kind: StoreKind) async throws {
        let fixture = try await Fixture(kind, limits: { var limits = SyncLimits(); limits.maxChangeSetBytes = 2_000; return limits }())
        let first = fixture.changeSet(from: fixture.hub.id, sequence: 1, [(.createReport(fixture.report("a", commune: "phuong-muong-thanh")), "a")])
        let reused = fixture.changeSet(from: fixture.hub.id, sequence: 1, [(.setField(.address, .text("x")), "a")])
        let foreign = fixture.changeSet(from: fixture.officer.id, sequence: 2, [(.setField(.address, .text("y")), "a")])
        let huge = fixture.changeSet(from: fixture.hub.id, sequence: 3, [(.addNote(Note(author: "IOC", at: Date(timeIntervalSince1970: 1), text: String(repeating: "đ", count: 3_000))), "a")])
        try await fixture.server.makeApplication().test(.router) { client in
            try await client.execute(uri: "/v1/changesets", method: .post, headers: Self.headers(fixture.hub.token), body: try Self.body(first)) { response in
                #expect(response.status == .ok)
            }
            for (changeSet, status, code) in [(reused, HTTPResponse.Status.conflict, ErrorCode.sequenceReused), (foreign, .forbidden, .deviceMismatch), (huge, .contentTooLarge, .bodyTooLarge)] {
                try await client.execute(uri: "/v1/changesets", method: .post, headers: Self.headers(fixture.hub.token), body: try Self.body(changeSet)) { response in
                    #expect(response.status == status)
                    let decoded = try Self.decode(ErrorBody.self, response.body)
                    #expect(decoded.error.code == code)
                }
            }
        }
        #expect(try await fixture.server.storage.serverVersion() == 1)
    }
}
