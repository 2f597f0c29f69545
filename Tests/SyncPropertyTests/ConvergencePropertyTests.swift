import Foundation
import OnSiteClient
import OnSiteClientTesting
import OnSiteCore
import OnSiteRelay
import OnSiteSync
import Testing

/// Hundreds of random schedules against a real relay store and real replicas (SQLite files), in process.
@Suite("Sync property: replicas converge and no accepted write vanishes")
struct SyncPropertyTests {
    static let baseSeed: UInt64 = 0x0D1E_B1E2_0240_4190
    static let schedules = Int(ProcessInfo.processInfo.environment["ONSITE_PROPERTY_SCHEDULES"] ?? "") ?? 200
    static let day: Int64 = 86_400_000

    @Test("Every replica equals the relay's state for its scope; every accepted write is in the state or a conflict record")
    func convergence() async throws {
        print("sync property: seed \(Self.baseSeed), \(Self.schedules) schedules of 40 steps, 6 devices (hub, 3 officers, leader, supervisor)")
        let first = Int(ProcessInfo.processInfo.environment["ONSITE_PROPERTY_FIRST"] ?? "") ?? 0
        for index in first..<(first + Self.schedules) {
            let seed = Self.baseSeed &+ UInt64(index)
            let result = try await Schedule(seed: seed, steps: 40, skews: [0]).run()
            defer { result.world.remove() }
            try await Self.checkConvergence(result, seed: seed)
            try await Self.checkNothingVanished(result, seed: seed)
        }
    }

    @Test("A device whose clock is wrong by ±24 h merges exactly as one with a right clock")
    func clockSkew() async throws {
        for index in 0..<max(1, Self.schedules / 8) {
            let seed = Self.baseSeed &+ 10_000 &+ UInt64(index)
            let right = try await Schedule(seed: seed, steps: 40, skews: [0]).run()
            let wrong = try await Schedule(seed: seed, steps: 40, skews: [0, Self.day, -Self.day, 3 * Self.day / 2]).run()
            defer { right.world.remove(); wrong.world.remove() }
            let hubRight = try await right.world.devices[0].replica.allRecords().map(Outcome.init)
            let hubWrong = try await wrong.world.devices[0].replica.allRecords().map(Outcome.init)
            #expect(hubRight == hubWrong, "seed \(seed)")
        }
    }

    static func checkConvergence(_ result: Schedule.Result, seed: UInt64) async throws {
        for device in result.world.devices {
            let mine = try await device.replica.allRecords()
            let relay = try await result.world.relayState(for: device)
            #expect(mine == relay, "seed \(seed): \(device.name)'s replica differs from the relay's state for its scope")
            #expect(try await device.replica.status().pendingOperations == 0, "seed \(seed): \(device.name) has work left")
        }
    }

    /// Every accepted write is in the state (append-only data, the field's current value), or in a conflict
    /// record, or was overwritten by a write made after seeing it (an ordinary edit).
    static func checkNothingVanished(_ result: Schedule.Result, seed: UInt64) async throws {
        let admin = try await result.world.makeDevice(name: "admin", role: .admin, units: [], skew: 0)
        try await admin.sync()
        let records = Dictionary(uniqueKeysWithValues: try await admin.replica.allRecords().map { ($0.id, $0) })
        let log = try await result.world.acceptedLog()
        let versions = Dictionary(uniqueKeysWithValues: log.map { ($0.operation.id, $0.version) })
        for entry in log {
            let operation = entry.operation
            guard let record = records[operation.reportId] else {
                Issue.record("seed \(seed): report \(operation.reportId) of an accepted operation is missing")
                continue
            }
            switch operation.change {
            case .addNote(let note):
                #expect(record.notes.contains(note), "seed \(seed): note vanished")
            case .addVerification(let verification):
                #expect(record.verifications.contains(verification), "seed \(seed): verification vanished")
            case .transition:
                #expect(record.events.contains { $0.id == operation.id }, "seed \(seed): accepted step left no event")
            case .setField(let field, let value):
                // Its value is what the field holds (two people may write the same value: no conflict then).
                let held = record.fieldStamps[field.rawValue] == operation.stamp || field.value(in: record.report) == value
                let inConflict = record.conflicts.contains { $0.field == field && ($0.kept.stamp == operation.stamp || $0.lost.stamp == operation.stamp) }
                let version = versions[operation.id] ?? 0
                let overwrittenKnowingly = result.writes.contains { later in
                    guard case .setField(let laterField, _) = later.operation.change, laterField == field,
                          later.operation.reportId == operation.reportId, let laterVersion = versions[later.operation.id], laterVersion > version
                    else { return false }
                    return later.cursor >= version || later.operation.stamp.device == operation.stamp.device
                }
                let movedByStep = field == .assignedUnit || field == .hiddenReason
                #expect(held || inConflict || overwrittenKnowingly || movedByStep,
                        "seed \(seed): the write of \(field.rawValue) on \(operation.reportId) at version \(version) vanished\n\(history(of: field, on: operation.reportId, log: log, writes: result.writes, record: record))")
            default:
                break
            }
        }
    }
}

/// The writes to one field, with what each writer had pulled, and the conflicts: for a failure message.
func history(of field: ReportField, on reportId: String, log: [LogEntry], writes: [Schedule.Write], record: ReportRecord) -> String {
    let cursors = Dictionary(writes.map { ($0.operation.id, $0.cursor) }, uniquingKeysWith: { first, _ in first })
    var lines = log.compactMap { entry -> String? in
        guard entry.operation.reportId == reportId else { return nil }
        switch entry.operation.change {
        case .setField(field, let value): return "  v\(entry.version) set \(value) by \(entry.deviceId) stamp \(entry.operation.stamp) cursor \(cursors[entry.operation.id].map(String.init) ?? "?")"
        case .createReport: return "  v\(entry.version) create stamp \(entry.operation.stamp)"
        case .transition(let step) where !step.action.kind.writtenFields.isEmpty: return "  v\(entry.version) step \(step.action.kind.rawValue) stamp \(entry.operation.stamp)"
        default: return nil
        }
    }
    lines += record.conflicts.filter { $0.field == field }.map { "  conflict kept \($0.kept.value) \($0.kept.stamp) lost \($0.lost.value) \($0.lost.stamp)" }
    lines.append("  holds \(field.value(in: record.report)) stamp \(record.fieldStamps[field.rawValue].map(String.init(describing:)) ?? "-")")
    return lines.joined(separator: "\n")
}

/// What a schedule ended with, without the random ids and stamps: for comparing two runs.
struct Outcome: Equatable, CustomStringConvertible {
    var report: Report
    var notes: [String]
    var verifications: [String]
    var events: [String]
    var conflicts: [String]

    init(_ record: ReportRecord) {
        report = record.report
        notes = record.notes.map(\.text)
        verifications = record.verifications.map(\.notes)
        events = record.events.map { "\($0.action) \($0.detail)" }
        conflicts = record.conflicts.map { "\($0.field.rawValue): kept \($0.kept.value) (\($0.kept.deviceName)), lost \($0.lost.value) (\($0.lost.deviceName))" }
    }

    var description: String { "\(report.id) \(report.status.rawValue) \(report.address) \(events) \(conflicts)" }
}
