import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import OnSiteCore
import OnSiteRelay
import OnSiteSync
import Testing

/// Role × operation × unit: what each role may do on a report of its unit and on one outside it.
@Suite("Permission matrix")
struct PermissionMatrixTests {
    enum Operation: String, CaseIterable {
        case editAddress, assign, hide, note, verify, attach, accept, approve, importEvent
    }

    /// The cells that are allowed on a report of the device's own unit; everything else, and every cell on a
    /// report outside the unit, is refused.
    static let allowed: [Role: Set<Operation>] = [
        .officer: [.editAddress, .note, .verify, .attach, .accept],
        .leader: [.editAddress, .note, .verify, .attach, .accept],
        .hub: [.editAddress, .assign, .hide, .note, .attach, .importEvent],
        .supervisor: [.note],
        .admin: [.editAddress, .assign, .hide, .note, .attach, .importEvent],
    ]

    static func change(_ operation: Operation, reportId: String, at: Date) -> Change {
        switch operation {
        case .editAddress: .setField(.address, .text("Tổ 9"))
        case .assign: .setField(.assignedUnit, .text("phuong-him-lam"))
        case .hide: .setField(.hiddenReason, .text("Vi phạm quy định"))
        case .note: .addNote(Note(author: "x", at: at, text: "Ghi chú"))
        case .verify: .addVerification(Verification(reportId: reportId, officer: "x", visitedAt: at, position: nil, finding: .confirmed, notes: ""))
        case .attach: .addAttachment(Attachment(reportId: reportId, sha256: String(repeating: "ab", count: 32), byteCount: 1_000,
                                                contentType: "image/jpeg", fileName: "a.jpg", addedBy: "x", addedAt: at))
        case .accept: .transition(Transition(action: .accept, expected: .forwarded, role: .officer, actor: "x", at: at))
        case .approve: .transition(Transition(action: .approve, expected: .forwarded, role: .leader, actor: "x", at: at))
        case .importEvent: .addEvent(Event(reportId: reportId, actor: "x", at: at, action: "transition:forwarded", detail: "phuong-muong-thanh"))
        }
    }

    @Test("Every forbidden cell is refused with a reason, every allowed one accepted", arguments: Role.allCases, StoreKind.allCases)
    func matrix(role: Role, kind: StoreKind) async throws {
        let fixture = try await RelayRouteTests.Fixture(kind)
        let units = role == .admin ? [] : (role == .hub || role == .supervisor ? ["dien-bien"] : ["phuong-muong-thanh"])
        let device = try await RelayRouteTests.Fixture.add(role, units, to: fixture.server.storage)
        let mine = fixture.report("mine", commune: "phuong-muong-thanh")
        var theirs = fixture.report("theirs", commune: "phuong-him-lam")
        theirs.area.province = "lai-chau"
        theirs.area.district = "tp-lai-chau"
        let seed = fixture.changeSet(from: fixture.hub.id, sequence: 1, [(.createReport(mine), mine.id), (.createReport(theirs), theirs.id)])
        _ = try await fixture.server.storage.push(seed, from: Actor(deviceId: fixture.hub.id, role: .hub, units: ["dien-bien", "lai-chau"]), limits: SyncLimits(), at: Date())
        var sequence: Int64 = 1
        for operation in Operation.allCases {
            for target in [mine.id, theirs.id] {
                sequence += 1
                var change = Self.change(operation, reportId: target, at: Date(timeIntervalSince1970: 1_713_400_000))
                if case .transition(var transition) = change {
                    transition.role = role
                    change = .transition(transition)
                }
                let changeSet = fixture.changeSet(from: device.id, sequence: sequence, [(change, target)])
                let result = try await fixture.server.storage.push(changeSet, from: Actor(deviceId: device.id, role: role, units: Set(units)), limits: SyncLimits(), at: Date())
                let expected = (role == .admin || target == mine.id) && Self.allowed[role, default: []].contains(operation)
                let outcome = try #require(result.results.first)
                if expected {
                    #expect(outcome.outcome != .rejected, "\(role.rawValue) \(operation.rawValue) on \(target): \(outcome.reason?.message ?? "")")
                } else {
                    #expect(outcome.outcome == .rejected, "\(role.rawValue) \(operation.rawValue) on \(target) was accepted")
                    #expect(outcome.reason?.message.isEmpty == false)
                }
            }
        }
    }
}
