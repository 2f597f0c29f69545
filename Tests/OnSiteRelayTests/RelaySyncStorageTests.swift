import Foundation
import OnSiteCore
import OnSiteCrypto
import OnSiteRelay
import OnSiteSync
import Testing

/// Push and pull on each store, SQLite and a real PostgreSQL server: the same merge, the same pages.
@Suite("Push and pull, on each store")
struct RelaySyncStorageTests {
    static let hub = Actor(deviceId: "hub", role: .hub, units: ["dien-bien"])
    static let officer = Actor(deviceId: "officer", role: .officer, units: ["phuong-muong-thanh"])
    static let otherWard = Actor(deviceId: "other-ward", role: .officer, units: ["phuong-him-lam"])
    static let supervisor = Actor(deviceId: "supervisor", role: .supervisor, units: ["dien-bien"])
    static let now = Date(timeIntervalSince1970: 1_713_312_100)

    static func enrol(_ store: any StoreKind.Facets) async throws {
        for actor in [hub, officer, otherWard, supervisor] {
            try await store.addDevice(DeviceRecord(id: actor.deviceId, name: "Máy \(actor.deviceId)", role: actor.role, units: actor.units.sorted(),
                                                   tokenHash: "hash-\(actor.deviceId)", createdAt: RelayStorageTests.enrolled))
        }
    }

    static func report(_ id: String, ward: String = "phuong-muong-thanh") -> Report {
        Report(id: id, code: id.uppercased(), title: "Ổ gà", description: "", category: "an-toan-giao-thong",
               location: GeoPoint(latitude: 21.38, longitude: 103.01), address: "Tổ 5",
               area: AdministrativeArea(province: "dien-bien", district: "tp-dien-bien-phu", commune: ward),
               reporter: Reporter(name: "Lò Văn Hùng", phone: "0912"), receivedAt: Date(timeIntervalSince1970: 1_713_312_000),
               status: .forwarded, assignedUnit: ward)
    }

    static func changeSet(_ actor: Actor, _ sequence: Int64, base: Int64 = 0, _ changes: [(Change, String)]) -> ChangeSet {
        ChangeSet(deviceId: actor.deviceId, sequence: sequence, baseVersion: base, operations: changes.enumerated().map { index, item in
            SyncOperation(reportId: item.1, stamp: HybridTimestamp(wallMillis: 1_713_312_000_000 + sequence * 1_000 + Int64(index), counter: 0,
                                                                   device: actor.deviceId), change: item.0)
        })
    }

    static func push(_ store: any StoreKind.Facets, _ changeSet: ChangeSet, by actor: Actor) async throws -> PushResult {
        try await store.push(changeSet, from: actor, limits: SyncLimits(), at: now)
    }

    static func pull(_ store: any StoreKind.Facets, since: Int64, as actor: Actor, limit: Int = 500) async throws -> PullPage {
        try await store.pull(PullRequest(since: since, limit: limit), for: actor, now: now, maxPageBytes: SyncLimits().maxPageBytes)
    }

    @Test(arguments: StoreKind.allCases)
    func pushedReportsArePulledWholeFirstThenAsChangesRedactedForTheRole(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await Self.enrol(store)
            let created = try await Self.push(store, Self.changeSet(Self.hub, 1, [
                (.createReport(Self.report("r1")), "r1"), (.createReport(Self.report("r2", ward: "phuong-him-lam")), "r2"),
            ]), by: Self.hub)
            #expect(created.results.map(\.outcome) == [.applied, .applied])
            #expect(created.results.map(\.version) == [1, 2])
            #expect(created.serverVersion == 2)
            #expect(try await store.serverVersion() == 2)
            // A first pull is a snapshot of the officer's ward only.
            let first = try await Self.pull(store, since: 0, as: Self.officer)
            #expect(first.snapshots.map(\.id) == ["r1"])
            #expect(first.nextCursor == 2)
            #expect(try await store.servedVersion(of: Self.officer.deviceId) == 2)
            // Then changes since the cursor, of its ward only.
            _ = try await Self.push(store, Self.changeSet(Self.hub, 2, [
                (.addNote(Note(author: "IOC", at: Self.now, text: "Đã chuyển phường")), "r1"), (.addNote(Note(author: "IOC", at: Self.now, text: "Khác")), "r2"),
            ]), by: Self.hub)
            let changes = try await Self.pull(store, since: 2, as: Self.officer)
            #expect(changes.changes.map(\.version) == [3])
            #expect(changes.nextCursor == 4)
            #expect(changes.hasMore == false)
            // A supervisor never sees the reporter; the hub does.
            let supervised = try await Self.pull(store, since: 0, as: Self.supervisor)
            #expect(supervised.snapshots.map(\.id) == ["r1", "r2"])
            #expect(supervised.snapshots.allSatisfy { $0.report.reporter.name == nil && $0.report.reporter.phone == nil })
            let hubPage = try await Self.pull(store, since: 0, as: Self.hub)
            #expect(hubPage.snapshots.allSatisfy { $0.report.reporter.phone == "0912" })
            let supervisedChanges = try await Self.pull(store, since: 0 + 1, as: Self.supervisor)
            #expect(supervisedChanges.changes.compactMap { entry -> Reporter? in
                if case .createReport(let report) = entry.operation.change { return report.reporter } else { return nil }
            }.allSatisfy { $0.name == nil })
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aReplayAnswersTheStoredResultAndAReusedSequenceOrForeignChangeSetIsRefused(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await Self.enrol(store)
            let changeSet = Self.changeSet(Self.hub, 1, [(.createReport(Self.report("r1")), "r1")])
            let first = try await Self.push(store, changeSet, by: Self.hub)
            let again = try await Self.push(store, changeSet, by: Self.hub)
            #expect(again.replayed)
            #expect(again.results == first.results)
            #expect(try await store.serverVersion() == 1)
            let reused = await #expect(throws: RelayError.self) {
                try await Self.push(store, Self.changeSet(Self.hub, 1, [(.createReport(Self.report("r9")), "r9")]), by: Self.hub)
            }
            #expect(reused?.detail.code == .sequenceReused)
            var foreign = changeSet
            foreign.deviceId = Self.officer.deviceId
            await #expect(throws: RelayError.self) { try await Self.push(store, foreign, by: Self.officer) }
            // An operation already logged, sent again in a new change set, is a duplicate.
            var resent = Self.changeSet(Self.hub, 2, [])
            resent.operations = changeSet.operations
            let duplicate = try await Self.push(store, resent, by: Self.hub)
            #expect(duplicate.results.map(\.outcome) == [.duplicate])
            #expect(try await store.serverVersion() == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aWriteOverOneItsDeviceHadNotPulledIsKeptAsAConflict(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await Self.enrol(store)
            _ = try await Self.push(store, Self.changeSet(Self.hub, 1, [(.createReport(Self.report("r1")), "r1")]), by: Self.hub)
            _ = try await Self.pull(store, since: 0, as: Self.officer)
            _ = try await Self.push(store, Self.changeSet(Self.hub, 2, [(.setField(.title, .text("Tiêu đề của IOC")), "r1")]), by: Self.hub)
            // The officer pulled version 1 only, and claims more: its later write races the hub's.
            let result = try await Self.push(store, Self.changeSet(Self.officer, 3, base: 1_000, [(.setField(.title, .text("Tiêu đề của cán bộ")), "r1")]),
                                             by: Self.officer)
            #expect(result.results.map(\.outcome) == [.applied])
            #expect(try await store.conflictsRecorded(by: result) == 1)
            let page = try await Self.pull(store, since: 0, as: Self.hub)
            let record = try #require(page.snapshots.first)
            #expect(record.report.title == "Tiêu đề của cán bộ")
            #expect(record.conflicts.map(\.lost.value) == [.text("Tiêu đề của IOC")])
            #expect(record.conflicts.map(\.lost.deviceName) == ["Máy hub"])
            // A write after pulling the hub's is no conflict.
            _ = try await Self.pull(store, since: 3, as: Self.officer)
            let later = try await Self.push(store, Self.changeSet(Self.officer, 4, base: 5, [(.setField(.title, .text("Đã sửa")), "r1")]), by: Self.officer)
            #expect(try await store.conflictsRecorded(by: later) == 0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aReportMovedToAnotherWardIsEvictedFromTheFirstAndBackfilledToTheSecond(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await Self.enrol(store)
            _ = try await Self.push(store, Self.changeSet(Self.hub, 1, [(.createReport(Self.report("r1")), "r1")]), by: Self.hub)
            let officerStart = try await Self.pull(store, since: 0, as: Self.officer)
            #expect(officerStart.snapshots.map(\.id) == ["r1"])
            _ = try await Self.pull(store, since: 1, as: Self.otherWard)
            _ = try await Self.push(store, Self.changeSet(Self.hub, 2, [(.setField(.assignedUnit, .text("phuong-him-lam")), "r1")]), by: Self.hub)
            let left = try await Self.pull(store, since: 1, as: Self.officer)
            #expect(left.evictions == ["r1"])
            #expect(left.changes.isEmpty)
            let arrived = try await Self.pull(store, since: 1, as: Self.otherWard)
            #expect(arrived.snapshots.map(\.id) == ["r1"])
            #expect(arrived.snapshots.first?.report.assignedUnit == "phuong-him-lam")
            // The officer, out of scope now, may not write to it.
            let refused = try await Self.push(store, Self.changeSet(Self.officer, 1, base: 2, [(.addNote(Note(author: "CB", at: Self.now, text: "x")), "r1")]),
                                              by: Self.officer)
            #expect(refused.results.map(\.outcome) == [.rejected])
        }
    }

    @Test func theSamePushesGiveTheSameLogChainAndPagesOnBothStores() async throws {
        let relayKey = try Ed25519PrivateKey.generate()
        let deviceKey = try Ed25519PrivateKey.generate()
        func signed(_ changeSet: ChangeSet) throws -> ChangeSet {
            var changeSet = changeSet
            changeSet.operations = try changeSet.operations.map { try RelayFacetStorageTests.sign($0, with: deviceKey) }
            return changeSet
        }
        let verification = Verification(reportId: "r1", officer: "Lò Văn Minh", visitedAt: Self.now, position: nil, finding: .confirmed, notes: "")
        let pushes: [(ChangeSet, Actor)] = [
            (Self.changeSet(Self.hub, 1, (1...5).map { (.createReport(Self.report("r\($0)", ward: $0 % 2 == 0 ? "phuong-him-lam" : "phuong-muong-thanh")), "r\($0)") }), Self.hub),
            (try signed(Self.changeSet(Self.officer, 1, base: 5, [(.addNote(Note(author: "CB", at: Self.now, text: "Đã đến hiện trường")), "r1"),
                                                                  (.addVerification(verification), "r1")])), Self.officer),
            (Self.changeSet(Self.hub, 2, [(.setField(.assignedUnit, .text("phuong-him-lam")), "r3"), (.setField(.isUrgent, .flag(true)), "r5")]), Self.hub),
        ]
        var heads: [ChainHead] = []
        var pages: [[PullPage]] = []
        var proofs: [EvidenceProof] = []
        for kind in StoreKind.allCases {
            let (head, kindPages, proof) = try await kind.withStoreAndBlobs(checkpointKey: relayKey) { store, _ in
                try await Self.enrol(store)
                _ = try await store.registerKey(RelayStorageTests.registration(deviceKey), for: Self.officer.deviceId, at: Self.now)
                var kindPages: [PullPage] = []
                for (changeSet, actor) in pushes {
                    _ = try await Self.push(store, changeSet, by: actor)
                    kindPages.append(try await Self.pull(store, since: 1, as: Self.officer, limit: 2))
                }
                // A snapshot carries the verification's signed operation and its signer.
                kindPages.append(try await Self.pull(store, since: 0, as: Self.supervisor))
                return (try await store.chainHead(), kindPages, try await store.evidenceProof(of: "r1", for: Self.supervisor))
            }
            heads.append(head)
            pages.append(kindPages)
            proofs.append(proof)
        }
        #expect(heads[0].version == 9)
        #expect(heads[0] == heads[1])
        #expect(pages[0] == pages[1])
        #expect(pages[0].last?.evidence.map(\.version) == [7])
        #expect(pages[0].last?.signers.map(\.keyId) == [deviceKey.publicKey.keyId])
        #expect(proofs[0].entries.first?.checkpoint != nil)
        #expect(proofs[0] == proofs[1])
    }
}
