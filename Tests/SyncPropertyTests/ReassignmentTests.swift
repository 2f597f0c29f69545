import Foundation
import OnSiteClient
import OnSiteClientTesting
import OnSiteCore
import OnSiteRelay
import OnSiteSync
import Testing

@Suite("Partial replication: reassignment")
struct ReassignmentTests {
    @Test("A reassigned report is backfilled whole into the new unit's replica, evicted from the old one, and the old unit's pending work is still delivered")
    func reassignment() async throws {
        // Given a report of Mường Thanh that officer Lan holds, and notes on it from before Tuấn's ward gets it
        var world = try await World(skews: [0])
        defer { world.remove() }
        let hub = world.devices[0], lan = world.devices[1], tuan = world.devices[3]
        let report = Report(
            id: "r-move", code: "DB-MOVE", title: "Cống tắc", description: "", category: "ha-tang-do-thi", location: nil,
            address: "Tổ 3", area: AdministrativeArea(province: World.province, district: World.district, commune: World.wards[0]),
            reporter: Reporter(name: "Lò Văn Hùng", phone: "0912"), receivedAt: world.time.now, status: .forwarded, assignedUnit: World.wards[0])
        try await hub.replica.record(.createReport(report), on: report.id)
        try await hub.replica.record(.addNote(Note(author: "hub", at: world.time.now, text: "Ghi chú đầu tiên")), on: report.id)
        world.reportIds.append(report.id)
        try await hub.sync()
        try await lan.sync()
        try await tuan.sync()
        #expect(try await lan.replica.allRecords().map(\.id) == ["r-move"])
        #expect(try await tuan.replica.allRecords().isEmpty)

        // When Lan verifies it offline while the hub reassigns it to Him Lam
        world.time.advance()
        try await lan.replica.record(.addVerification(Verification(
            reportId: report.id, officer: "lan", visitedAt: world.time.now, position: nil, finding: .confirmed, notes: "Đã kiểm tra")), on: report.id)
        world.time.advance()
        try await hub.replica.record(.setField(.assignedUnit, .text(World.wards[1])), on: report.id)
        try await hub.sync()
        let lanSync = try await lan.sync()
        try await tuan.sync()

        // Then Lan's verification was accepted, the report left Lan's replica, and Tuấn holds it whole
        #expect(lanSync.rejected.isEmpty)
        #expect(try await lan.replica.allRecords().isEmpty)
        #expect(try await lan.replica.status().pendingOperations == 0)
        let moved = try #require(try await tuan.replica.allRecords().first)
        #expect(moved.report.assignedUnit == World.wards[1])
        #expect(moved.notes.map(\.text) == ["Ghi chú đầu tiên"])
        #expect(moved.verifications.map(\.notes) == ["Đã kiểm tra"])
        #expect(try await tuan.replica.allRecords() == world.relayState(for: tuan))
    }

    @Test("Reporter data is redacted by role in what the relay sends")
    func redaction() async throws {
        var world = try await World(skews: [0])
        defer { world.remove() }
        let hub = world.devices[0], lan = world.devices[1], supervisor = world.devices[5]
        for (id, confidential) in [("r-open", false), ("r-secret", true)] {
            let report = Report(
                id: id, code: id.uppercased(), title: "Phản ánh", description: "", category: "moi-truong", location: nil, address: "Tổ 1",
                area: AdministrativeArea(province: World.province, district: World.district, commune: World.wards[0]),
                reporter: Reporter(name: "Nguyễn Thị Hoa", phone: "0987654321", email: "hoa@example.vn", isConfidential: confidential),
                receivedAt: world.time.now, status: .forwarded, assignedUnit: World.wards[0])
            try await hub.replica.record(.createReport(report), on: id)
        }
        try await hub.sync()
        try await lan.sync()
        try await supervisor.sync()
        let officerView = Dictionary(uniqueKeysWithValues: try await lan.replica.allRecords().map { ($0.id, $0.report.reporter) })
        #expect(officerView["r-open"]?.phone == "0987654321")
        #expect(officerView["r-secret"] == Reporter(isConfidential: true))
        for reporter in try await supervisor.replica.allRecords().map(\.report.reporter) {
            #expect(reporter.name == nil && reporter.phone == nil && reporter.email == nil)
        }
        let hubView = try await world.relayState(for: hub)
        #expect(hubView.allSatisfy { $0.report.reporter.phone == "0987654321" })
    }

    @Test("Concurrent edits of one field keep the losing value as a conflict the losing device receives; resolving it syncs")
    func conflictRecord() async throws {
        var world = try await World(skews: [0])
        defer { world.remove() }
        let hub = world.devices[0], lan = world.devices[1], minh = world.devices[2]
        let report = Report(
            id: "r-c", code: "DB-C", title: "Phản ánh", description: "", category: "moi-truong", location: nil, address: "Tổ 1",
            area: AdministrativeArea(province: World.province, district: World.district, commune: World.wards[0]),
            reporter: Reporter(), receivedAt: world.time.now, status: .forwarded, assignedUnit: World.wards[0])
        try await hub.replica.record(.createReport(report), on: report.id)
        try await hub.sync()
        try await lan.sync()
        try await minh.sync()

        // Both change the address without seeing each other's change; Minh's is later
        world.time.advance()
        try await lan.replica.record(.setField(.address, .text("Tổ 5, Mường Thanh")), on: report.id)
        world.time.advance()
        try await minh.replica.record(.setField(.address, .text("Tổ 6, Mường Thanh")), on: report.id)
        try await minh.sync()
        try await lan.sync()

        // Minh's value holds; Lan's is kept in a conflict record that Lan received
        let record = try #require(try await lan.replica.allRecords().first)
        #expect(record.report.address == "Tổ 6, Mường Thanh")
        let conflict = try #require(record.openConflicts.first)
        #expect(conflict.field == .address)
        #expect(conflict.lost.value == .text("Tổ 5, Mường Thanh") && conflict.lost.deviceName == "lan")
        #expect(conflict.kept.value == .text("Tổ 6, Mường Thanh") && conflict.kept.deviceName == "minh")

        // Lan keeps her own value: a new write and the closing of the conflict, synced to everyone
        world.time.advance()
        try await lan.replica.record([(.setField(.address, .text("Tổ 5, Mường Thanh")), report.id), (.resolveConflict(id: conflict.id), report.id)])
        try await lan.sync()
        try await minh.sync()
        let resolved = try #require(try await minh.replica.allRecords().first)
        #expect(resolved.report.address == "Tổ 5, Mường Thanh")
        #expect(resolved.openConflicts.isEmpty)
        #expect(resolved.conflicts.count == 1)
    }
}
