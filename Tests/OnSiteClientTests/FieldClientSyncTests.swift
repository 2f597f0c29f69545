import Foundation
import OnSiteClient
import OnSiteClientTesting
import OnSiteCore
import OnSiteSync
import Testing

/// Enrolment, sync, conflicts and queries of the field client, in process against a real relay store.
@Suite("FieldClient: enrolment, sync, conflicts, queries")
struct FieldClientSyncTests {
    static func profile(version: Int = SyncProtocol.version) -> DeviceProfile {
        DeviceProfile(deviceId: "lan-1", name: "Lan", role: .officer, units: ["phuong-muong-thanh"], serverVersion: 0,
                      protocolVersion: version, serverTimeMillis: 1_713_400_000_000)
    }

    static func freshClient() throws -> (FieldClient, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("onsite-enrol-\(UUID().uuidString)")
        return (FieldClient(replica: try Replica.inMemory(directory: folder)), folder)
    }

    static var caFile: String { SampleFiles.folder.appendingPathComponent("relay.json").path }

    @Test("enrolment pins the CA in the replica folder and records who the relay says the token is")
    func enrol() async throws {
        let (client, folder) = try Self.freshClient()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let enrolment = try await client.enroll(relay: "https://relay.example:8443/", token: "ost_x", caCertificate: Self.caFile,
                                                askRelay: { _ in Self.profile() })
        #expect(enrolment.relayURL == "https://relay.example:8443")
        #expect(enrolment.caCertificatePath == folder.appendingPathComponent("relay-ca.pem").path)
        #expect(try await client.enrolment() == enrolment)
        await #expect(throws: ClientError.alreadyEnrolled("https://relay.example:8443")) {
            try await client.enroll(relay: "https://other.example", token: "ost_y", caCertificate: nil, askRelay: { _ in Self.profile() })
        }
    }

    @Test("a failed enrolment leaves nothing behind: no pinned CA, no enrolment", arguments: [false, true])
    func enrolRollback(protocolMismatch: Bool) async throws {
        let (client, folder) = try Self.freshClient()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let expected = protocolMismatch
            ? ClientError.protocolMismatch(got: SyncProtocol.version + 1, want: SyncProtocol.version)
            : ClientError.unreachable("connection refused", pending: 0)
        await #expect(throws: expected) {
            try await client.enroll(relay: "https://relay.example", token: "ost_x", caCertificate: Self.caFile, askRelay: { _ in
                if protocolMismatch { return Self.profile(version: SyncProtocol.version + 1) }
                throw ClientError.unreachable("connection refused", pending: 0)
            })
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("relay-ca.pem").path))
        #expect(try await client.replica.enrolment() == nil)
    }

    @Test("a relay address is https, or plain http on this machine only", arguments: [
        ("https://relay.example:8443", true), ("http://127.0.0.1:8080", true), ("http://localhost:1", true),
        ("http://relay.example", false), ("relay.example", false), ("ftp://relay.example", false),
    ])
    func relayAddress(address: String, accepted: Bool) {
        #expect(((try? FieldClient.checkRelayAddress(address)) != nil) == accepted)
    }

    @Test("work recorded offline reaches the other officer through the relay; push-only fetches nothing")
    func syncRoundTrip() async throws {
        let bench = try FieldBench()
        defer { bench.remove() }
        let (_, lan, minh) = try await bench.twoOfficers()
        try await lan.client.addNote("Đã liên hệ tổ trưởng", to: "DB-2024-00101")
        try await minh.client.addNote("Rác đã thu gom", to: "DB-2024-00102")
        // Minh only sends
        let sent = try await minh.sync(SyncOptions(pushOnly: true))
        #expect(sent.operationsPushed == 1 && sent.entriesPulled == 0)
        // Lan sends and fetches: she sees Minh's note
        let synced = try await lan.sync()
        #expect(synced.operationsPushed == 1 && synced.entriesPulled >= 1)
        #expect(try await lan.client.replica.report("DB-2024-00102").record.notes.map(\.author) == ["Minh"])
        // And the --json form carries the same counts
        let summary = SyncSummary(synced)
        #expect(summary.operationsPushed == 1 && summary.cursor == synced.cursor && summary.rejected == 0)
        let keys = try JSONSerialization.jsonObject(with: JSONEncoder().encode(summary)) as? [String: Any]
        #expect(keys?.keys.sorted().contains("photosResumedFrom") == true)
    }

    @Test("sync options are checked before anything is sent")
    func syncOptions() async throws {
        #expect(throws: ClientError.invalidInput("--chunk-size must be at least 1024 bytes.")) { try SyncOptions(chunkSize: 512).check() }
        let bench = try FieldBench()
        defer { bench.remove() }
        let (_, lan, _) = try await bench.twoOfficers()
        try await lan.client.addNote("…", to: "DB-2024-00101")
        await #expect(throws: ClientError.self) { try await lan.sync(SyncOptions(chunkSize: 10)) }
        #expect(try await lan.client.status().sync.pendingOperations == 1)
    }

    @Test("two officers change one field offline: the loser keeps hers with `mine`, and both converge")
    func conflictMine() async throws {
        let bench = try FieldBench()
        defer { bench.remove() }
        let (_, lan, minh) = try await bench.twoOfficers()
        // Given both change the address without seeing each other's change; Minh's is later and wins
        try await lan.client.setField(.address, to: "Tổ 9, sau chợ", on: "DB-2024-00102")
        bench.time.advance()
        try await minh.client.setField(.address, to: "Tổ 10, sau chợ", on: "DB-2024-00102")
        try await minh.sync()
        try await lan.sync()
        let open = try await lan.client.openConflicts()
        let conflict = try #require(open.first)
        #expect(open.count == 1 && conflict.reportCode == "DB-2024-00102")
        #expect(conflict.conflict.kept.value == .text("Tổ 10, sau chợ") && conflict.conflict.lost.value == .text("Tổ 9, sau chợ"))
        // When Lan keeps hers
        let resolved = try await lan.client.resolve(conflict.conflict.id.uuidString, keeping: .mine)
        #expect(resolved.value == .text("Tổ 9, sau chợ") && resolved.field == .address)
        try await lan.sync()
        try await minh.sync()
        // Then the conflict is closed everywhere and both hold her value
        #expect(try await minh.client.openConflicts().isEmpty)
        #expect(try await minh.client.replica.report("DB-2024-00102").record.report.address == "Tổ 9, sau chợ")
        #expect(try await lan.client.replica.allRecords() == minh.client.replica.allRecords())
    }

    @Test("`mine`, `theirs` and a typed value pick the value a conflict keeps")
    func conflictChoices() throws {
        let stamp = HybridTimestamp(wallMillis: 1, counter: 0, device: "a")
        let conflict = FieldConflict(
            id: UUID(), reportId: "r", field: .isUrgent,
            kept: FieldWrite(value: .flag(true), deviceId: "a", deviceName: "A", stamp: stamp),
            lost: FieldWrite(value: .flag(false), deviceId: "b", deviceName: "B", stamp: stamp))
        #expect(try FieldClient.value(of: conflict, keeping: .mine, device: "b") == .flag(false))
        #expect(try FieldClient.value(of: conflict, keeping: .theirs, device: "b") == .flag(true))
        #expect(try FieldClient.value(of: conflict, keeping: ConflictChoice("không"), device: "b") == .flag(false))
        #expect(throws: ClientError.self) { try FieldClient.value(of: conflict, keeping: .mine, device: "c") }
        #expect(throws: ClientError.self) { try FieldClient.value(of: conflict, keeping: .value("maybe"), device: "a") }
        #expect(ConflictChoice("mine") == .mine && ConflictChoice("theirs") == .theirs && ConflictChoice("Tổ 9") == .value("Tổ 9"))
    }

    @Test("an unknown conflict id is named")
    func unknownConflict() async throws {
        let bench = try FieldBench()
        defer { bench.remove() }
        let (_, lan, _) = try await bench.twoOfficers()
        await #expect(throws: ClientError.invalidInput("No conflict not-a-conflict in this replica; `onsite conflicts` lists them.")) {
            try await lan.client.resolve("not-a-conflict", keeping: .mine)
        }
    }

    @Test("a day in the overdue window is midnight in the time zone of the province's policy")
    func overdueDays() throws {
        let calendar = { (zone: String) throws -> WorkingCalendar in
            try #require(TimeZone(identifier: zone)).calendarForTests
        }
        #expect(try OverdueRequest.instant("2024-04-01", "--from", in: calendar("Asia/Ho_Chi_Minh")) == WireDate.parse("2024-03-31T17:00:00Z"))
        #expect(try OverdueRequest.instant("2024-04-01", "--from", in: calendar("Asia/Tokyo")) == WireDate.parse("2024-03-31T15:00:00Z"))
        #expect(try OverdueRequest.instant("2024-04-01T08:00:00Z", "--from", in: calendar("Asia/Tokyo")) == WireDate.parse("2024-04-01T08:00:00Z"))
        #expect(try OverdueRequest.instant(nil, "--from", in: calendar("UTC")) == nil)
        #expect(throws: ClientError.self) { try OverdueRequest.instant("last tuesday", "--from", in: calendar("UTC")) }
    }

    @Test("the overdue table needs the reports of one province; the notices need their history")
    func supervisorQueries() async throws {
        let bench = try FieldBench()
        defer { bench.remove() }
        let empty = try await bench.enroll("empty", role: .supervisor, units: ["xa-khong-co"])
        let catalogue = Catalogue(
            rules: { try PolicyFile.load(policy: SampleFiles.folder.appendingPathComponent("policies/\($0).json"),
                                         calendars: SampleFiles.folder.appendingPathComponent("calendars")) },
            units: { try SampleData.loadUnits(from: SampleFiles.folder.appendingPathComponent("units.json")) },
            categories: { try SampleData.loadCategories(from: SampleFiles.folder.appendingPathComponent("categories.json")) })
        await #expect(throws: ClientError.invalidInput("No reports in this replica; run `onsite sync` first.")) {
            try await empty.client.overdueTable(OverdueRequest(), catalogue: catalogue)
        }
        let (hub, lan, _) = try await bench.twoOfficers()
        let table = try await hub.client.overdueTable(OverdueRequest(grouping: .district, from: "2024-01-01"), catalogue: catalogue)
        #expect(!table.rendered(as: .text, language: .english).isEmpty)
        await #expect(throws: ClientError.self) { try await lan.client.informationRequest(for: "DB-2024-00101") }
        await #expect(throws: ClientError.self) { try await lan.client.resultNotice(for: "DB-2024-00101") }
    }

    @Test("a step refused by the relay shows in the report's detail with its typed code; the photos stay queued in process")
    func refusedStep() async throws {
        let bench = try FieldBench()
        defer { bench.remove() }
        let (_, lan, minh) = try await bench.twoOfficers()
        // Given both officers accept the same report offline, with a photo on Lan's side; Minh syncs first
        try await minh.client.act(WorkflowRequest(.accept), on: "DB-2024-00101")
        try await lan.client.act(WorkflowRequest(.accept), on: "DB-2024-00101")
        _ = try await lan.client.attach(photos: [SampleFiles.photos.appendingPathComponent("dbp-site-1.jpg").path], to: "DB-2024-00101")
        try await minh.sync()
        // When Lan syncs
        let report = try await lan.sync()
        // Then her step is refused as report_moved, and the detail of the report says so
        #expect(report.rejected.compactMap(\.reason?.code) == [.reportMoved])
        let detail = try await lan.client.detail(of: "DB-2024-00101")
        #expect(detail.rejections.map(\.reason.code) == [.reportMoved])
        #expect(detail.view.record.report.status == .accepted)
        #expect(detail.deadline == nil)
        // And the photo, which travels over HTTP only, is still queued
        #expect(try await lan.client.status().photos.pendingPhotos == 1)
        #expect(detail.uploads.values.map(\.state) == [.queued])
    }

    @Test("the status carries the sync status's keys with the photo queue beside them")
    func statusJSON() async throws {
        let bench = try FieldBench()
        defer { bench.remove() }
        let (_, lan, _) = try await bench.twoOfficers()
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(try await lan.client.status())) as? [String: Any]
        #expect(json?["cursor"] != nil && json?["pendingOperations"] as? Int == 0 && json?["photos"] is [String: Any])
    }
}

extension TimeZone {
    /// A working calendar in this zone (office hours do not matter for reading days).
    fileprivate var calendarForTests: WorkingCalendar {
        WorkingCalendar(timeZone: self, schedules: [], holidays: HolidayTable(country: "VN", years: []))
    }
}
