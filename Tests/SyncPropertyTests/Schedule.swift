import Foundation
import OnSiteClient
import OnSiteClientTesting
import OnSiteCore
import OnSiteSync
import OnSiteTesting

/// One random schedule: devices of mixed roles edit the same and different reports offline, take workflow
/// steps, the hub reassigns reports between wards, and everyone syncs in random orders with lost answers.
struct Schedule {
    let seed: UInt64
    let steps: Int
    /// Clock error per device, in milliseconds (cycled over the cast).
    let skews: [Int64]

    /// A field write as the device made it, with what the device had pulled then.
    struct Write {
        var device: String
        var operation: SyncOperation
        var cursor: Int64
    }

    struct Result {
        var world: World
        var writes: [Write]
    }

    func run() async throws -> Result {
        var random = SeededGenerator(seed: seed)
        var world = try await World(skews: skews)
        var writes: [Write] = []
        let hub = world.devices[0]
        let sites = [(World.wards[0], "a"), (World.wards[0], "b"), (World.wards[1], "c")]
        for (ward, suffix) in sites {
            let report = Report(
                id: "r-\(suffix)", code: "DB-\(suffix.uppercased())", title: "Phản ánh \(suffix)", description: "Mô tả", category: "moi-truong",
                location: GeoPoint(latitude: 21.38, longitude: 103.01), address: "Tổ 1",
                area: AdministrativeArea(province: World.province, district: World.district, commune: ward),
                reporter: Reporter(name: "Người dân", phone: "0912", isConfidential: suffix == "b"),
                receivedAt: world.time.now, status: .forwarded, assignedUnit: ward)
            try await hub.replica.record(.createReport(report), on: report.id)
            world.reportIds.append(report.id)
        }
        for device in world.devices { try await device.sync() }

        for step in 0..<steps {
            world.time.advance()
            if step == steps / 2 {
                // An officer enrols half way: a snapshot, then changes like everyone.
                world.devices.append(try await world.makeDevice(name: "lan-2", role: .officer, units: [World.wards[0]], skew: skews[0]))
            }
            if Int.random(in: 0..<8, using: &random) == 0 {
                // The relay folds its log up to a few versions ago: devices behind it get a snapshot next time.
                let newest = try await world.store.serverVersion()
                try await world.compact(through: newest - Int64.random(in: 0..<6, using: &random))
            }
            let device = world.devices[Int.random(in: 0..<world.devices.count, using: &random)]
            let reports = try await device.replica.allRecords()
            let roll = Int.random(in: 0..<100, using: &random)
            if roll < 25 || reports.isEmpty {
                device.relay.link.loseNextAnswer(Int.random(in: 0..<5, using: &random) == 0)
                try await device.sync()
                continue
            }
            let record = reports[Int.random(in: 0..<reports.count, using: &random)]
            let cursor = try await device.replica.status().cursor
            let at = world.time.now
            let change: Change
            switch roll {
            case 25..<50:
                let field = [ReportField.address, .description, .isUrgent, .location][Int.random(in: 0..<4, using: &random)]
                let value: FieldValue = switch field {
                case .isUrgent: .flag(Bool.random(using: &random))
                case .location: .point(GeoPoint(latitude: 21 + Double(step) / 1000, longitude: 103))
                default: .text("\(device.name) bước \(step)")
                }
                change = .setField(field, value)
            case 50..<62:
                change = .addNote(Note(author: device.name, at: at, text: "Ghi chú \(step) của \(device.name)"))
            case 62..<72:
                change = .addVerification(Verification(reportId: record.id, officer: device.name, visitedAt: at, position: nil,
                                                       finding: .confirmed, notes: "Xác minh \(step)"))
            case 72..<80 where device.role == .hub:
                let ward = World.wards[Int.random(in: 0..<2, using: &random)]
                change = .setField(.assignedUnit, .text(ward))
            default:
                let kinds = WorkflowAction.Kind.allowed(from: record.report.status, for: device.role)
                guard !kinds.isEmpty else { continue }
                let kind = kinds[Int.random(in: 0..<kinds.count, using: &random)]
                change = .transition(Transition(action: Self.action(kind, step: step, at: at, random: &random), expected: record.report.status,
                                                role: device.role, actor: device.name, at: at))
            }
            do {
                let operation = try await device.replica.record(change, on: record.id)
                if case .setField = change { writes.append(Write(device: device.name, operation: operation, cursor: cursor)) }
            } catch is ClientError {
                // Refused locally (role or scope): nothing was queued.
            }
        }
        // The link comes back for good: everyone syncs until nothing moves.
        for _ in 0..<3 {
            for device in world.devices { try await device.sync() }
        }
        return Result(world: world, writes: writes)
    }

    static func action(_ kind: WorkflowAction.Kind, step: Int, at: Date, random: inout SeededGenerator) -> WorkflowAction {
        let reason = "Lý do \(step)"
        return switch kind {
        case .forward: .forward(unit: World.wards[Int.random(in: 0..<2, using: &random)])
        case .reject: .reject(reason: reason)
        case .requestInformation: .requestInformation(missing: ["Ảnh hiện trường"])
        case .markDuplicate: .markDuplicate(of: "r-a")
        case .accept: .accept
        case .returnToHub: .returnToHub(reason: reason, suggestedUnit: World.wards[1])
        case .beginVerification: .beginVerification
        case .postExtension: .postExtension(newExpectedDate: at.addingTimeInterval(172_800), reason: reason)
        case .submitResult: .submitResult(summary: "Kết quả \(step)", evidence: [])
        case .approve: .approve
        case .editAndApprove: .editAndApprove(summary: "Đã sửa \(step)")
        case .sendBack: .sendBack(reason: reason)
        case .publish: .publish
        case .deliverPrivately: .deliverPrivately
        case .rate: .rate(.satisfied)
        case .reopen: .reopen(reason: reason)
        case .hide: .hide(reason: reason)
        case .unhide: .unhide(reason: reason)
        }
    }
}
