import Foundation
import OnSiteRelayProcess
import OnSiteClient
import OnSiteSync
import Testing

/// Real relay processes and real replicas driven through the `onsite` executable.
@Suite("End to end: sync and convergence", .serialized)
struct ConvergenceTests {
    @Test("Two devices edit different reports offline, sync in either order, and converge with the relay",
          arguments: [false, true])
    func twoDevicesConverge(reversed: Bool) async throws {
        // Given a relay with the samples and two officers of the same ward, both synced
        let (relay, _, lan, minh) = try Seeded.twoOfficers()
        #expect(try await lan.records().count == 2)

        // When both work offline on different reports
        relay.stop()
        try #require(try lan.onsite("verify", "DB-2024-00101", "--finding", "confirmed", "--lat", "21.3866", "--lon", "103.0171", "--notes", "Ổ gà sâu 20 cm").status == 0)
        try #require(try lan.onsite("note", "DB-2024-00101", "Đã đặt biển cảnh báo").status == 0)
        try #require(try minh.onsite("edit", "DB-2024-00102", "--field", "address", "--value", "Sau chợ Mường Thanh, tổ 9").status == 0)
        try #require(try minh.onsite("note", "DB-2024-00102", "Rác đã được thu gom một phần").status == 0)
        let offline = try lan.onsite("sync")
        #expect(offline.status == 75)
        #expect(offline.error.contains("Your 2 changes are kept"))

        // And sync in one order or the other once the link is back
        try relay.start()
        let order = reversed ? [minh, lan] : [lan, minh]
        for device in order { try device.sync() }
        for device in order { try device.sync() }

        // Then both replicas and a fresh pull of the relay for the same scope hold the same state, with nothing pending
        let fresh = FieldDevice(name: "fresh", in: relay.folder)
        try fresh.enroll(with: relay, token: try relay.addDevice(role: "officer", name: "Kiểm tra", units: ["phuong-muong-thanh"]))
        try fresh.sync()
        let relayState = try await fresh.records()
        #expect(try await lan.records() == relayState)
        #expect(try await minh.records() == relayState)
        #expect(try await lan.status().pendingOperations == 0)
        let pothole = try #require(relayState.first { $0.report.code == "DB-2024-00101" })
        #expect(pothole.verifications.count == 1)
        #expect(pothole.notes.map(\.text) == ["Đã đặt biển cảnh báo"])
        let rubbish = try #require(relayState.first { $0.report.code == "DB-2024-00102" })
        #expect(rubbish.report.address == "Sau chợ Mường Thanh, tổ 9")
    }

    @Test("Replaying a change set whose response was lost applies nothing twice")
    func replayAppliesNothingTwice() async throws {
        // Given an officer with a queued note, frozen into a change set
        let (relay, _) = try Seeded.relay()
        let lan = try Seeded.officer("lan", on: relay)
        try #require(try lan.onsite("note", "DB-2024-00101", "Một lần thôi").status == 0)
        let replica = try Replica(directory: lan.folder)
        let client = try await SyncEngine(replica: replica).makeClient()
        let frozen = try #require(try await replica.nextChangeSet(limit: 100))

        // When it is pushed, the answer is "lost", and the same bytes are pushed again
        var counters = WireCounters()
        let first = try await client.push(frozen, pending: 1, counters: &counters)
        let again = try #require(try await replica.nextChangeSet(limit: 100))
        #expect(again.id == frozen.id && again.body == frozen.body)
        let second = try await client.push(again, pending: 1, counters: &counters)

        // Then the relay answers the stored result and its version did not move
        #expect(first.replayed == false)
        #expect(second.replayed == true)
        #expect(second.serverVersion == first.serverVersion)
        #expect(second.results == first.results)
        try await replica.acknowledge(second)
        try lan.sync()
        let pothole = try #require(try await lan.records().first { $0.report.code == "DB-2024-00101" })
        #expect(pothole.notes.map(\.text) == ["Một lần thôi"])
        // The log holds the note once: nothing after the first answer's version, one note up to it
        let page = try await client.pull(PullRequest(since: first.serverVersion - 1, limit: 1_000), pending: 0, counters: &counters)
        #expect(page.changes.filter { if case .addNote = $0.operation.change { true } else { false } }.count == 1)
    }

    @Test("Killing the client during its sync loses nothing: the next sync delivers the work once")
    func killDuringSyncLosesNothing() async throws {
        // Given an officer's note written locally
        let (relay, _) = try Seeded.relay()
        let lan = try Seeded.officer("lan", on: relay)
        try #require(try lan.onsite("note", "DB-2024-00101", "Ghi trước khi mất sóng").status == 0)

        // When `onsite sync` is killed while the relay holds the request unanswered
        relay.pause()
        let sync = try ChildProcess(Binaries.client.path, ["sync", "--replica", lan.folder.path])
        try await Task.sleep(for: .milliseconds(800))
        sync.send(SIGKILL)
        sync.wait()
        relay.resume()
        #expect(try await lan.status().pendingOperations == 1)

        // Then the next sync delivers it, exactly once
        try lan.sync()
        #expect(try await lan.status().pendingOperations == 0)
        let fresh = FieldDevice(name: "fresh", in: relay.folder)
        try fresh.enroll(with: relay, token: try relay.addDevice(role: "officer", name: "Lan 2", units: ["phuong-muong-thanh"]))
        try fresh.sync()
        let pothole = try #require(try await fresh.records().first { $0.report.code == "DB-2024-00101" })
        #expect(pothole.notes.map(\.text) == ["Ghi trước khi mất sóng"])
        #expect(try await lan.records() == fresh.records())
    }
}
