import Foundation
import OnSiteRelayProcess
import OnSiteClient
import OnSiteCore
import OnSiteSync
import Testing

/// Workflow steps through sync, and the supervisor's table from the merged state.
@Suite("End to end: workflow and supervisor reports", .serialized)
struct WorkflowEndToEndTests {
    @Test("The supervisor's overdue table, from the state it pulled, reproduces the Điện Biên memo")
    func memoTable() async throws {
        // Given the memo's reports and their histories imported by the hub and pulled by a supervisor
        let seeded = try Seeded.memo()
        let supervisor = seeded.supervisor

        // When the supervisor prints the table as of the memo's date
        let table = try supervisor.onsite("report", "overdue", "--by", "district", "--as-of", "2024-04-19T03:00:00Z")

        // Then it is the memo's table, row for row
        try #require(table.status == 0, "\(table.combined)")
        let expected = try String(contentsOf: Seeded.memoFolder.appendingPathComponent("expected-table.txt"), encoding: .utf8)
        #expect(table.output == expected)
        #expect(table.output.contains("Thành phố Điện Biên Phủ |        58 |             2 |                 56 |                         96,6%"))
    }

    @Test("A step taken offline on a report that left the unit meanwhile is refused without saying where it went; the verification in the same sync is kept")
    func transitionRace() async throws {
        // Given two officers of one ward with the samples
        let (relay, _, lan, minh) = try Seeded.twoOfficers()

        // When Minh returns the report to the hub while Lan, offline, accepts it and verifies it
        try #require(try minh.onsite("act", "DB-2024-00102", "return_to_hub", "--reason", "Thuộc thẩm quyền Công ty môi trường đô thị", "--suggested-unit", "tp-dien-bien-phu").status == 0)
        try minh.sync()
        try #require(try lan.onsite("act", "DB-2024-00102", "accept").status == 0)
        try #require(try lan.onsite("verify", "DB-2024-00102", "--finding", "confirmed", "--notes", "Rác vẫn còn").status == 0)
        let sync = try lan.onsite("sync")

        // Then the acceptance is refused (report_moved, with nothing of the report's state now that it is outside
        // Lan's units), the verification is delivered, and the report, now with the hub, leaves Lan's replica
        #expect(sync.status == 0)
        #expect(sync.output.contains("report_moved"))
        #expect(!sync.output.contains("returned_to_hub"))
        #expect(sync.output.contains("left your units while you were offline"))
        #expect(sync.output.contains("verifications and photos are saved"))
        #expect(try await lan.records().contains { $0.report.code == "DB-2024-00102" } == false)
        #expect(try await lan.status().pendingOperations == 0)
        #expect(try await lan.status().rejections == 1)
        let hub = FieldDevice(name: "hub-check", in: relay.folder)
        try hub.enroll(with: relay, token: try relay.addDevice(role: "hub", name: "IOC 2", units: ["dien-bien"]))
        try hub.sync()
        let record = try #require(try await hub.records().first { $0.report.code == "DB-2024-00102" })
        #expect(record.report.status == .returnedToHub)
        #expect(record.verifications.map(\.notes) == ["Rác vẫn còn"])
        #expect(record.events.map(\.action) == ["transition:returned_to_hub"])
    }

    @Test("A role may not take a step that is not its own, even offline: refused locally with what is allowed")
    func forbiddenStepIsRefusedLocally() async throws {
        let (relay, _) = try Seeded.relay()
        let lan = try Seeded.officer("lan", on: relay)
        let result = try lan.onsite("act", "DB-2024-00101", "publish")
        #expect(result.status == 64)
        #expect(result.error.contains("forwarded"))
        #expect(try await lan.status().pendingOperations == 0)
    }
}
