import ArgumentParser
import Foundation
import OnSiteClient
import OnSiteCore
import OnSiteSync

struct Conflicts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List open conflicts: two people changed the same field without seeing each other's change.")
    @OptionGroup var replica: ReplicaOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await reportingErrors {
            let records = try await replica.open().allRecords()
            let open = records.flatMap { record in record.openConflicts.map { (record.report.code, $0) } }
            if json { return try printJSON(open.map(\.1)) }
            if open.isEmpty { print("No open conflicts."); return }
            for (code, conflict) in open {
                print("\(conflict.id)  \(code)  \(conflict.field.rawValue)")
                print("    kept: \"\(conflict.kept.value)\" by \(conflict.kept.deviceName) at \(WireDate.format(Date(timeIntervalSince1970: Double(conflict.kept.stamp.wallMillis) / 1000)))")
                print("    lost: \"\(conflict.lost.value)\" by \(conflict.lost.deviceName) at \(WireDate.format(Date(timeIntervalSince1970: Double(conflict.lost.stamp.wallMillis) / 1000)))")
            }
            print("Resolve one with `onsite resolve ID --keep mine|theirs|VALUE`.")
        }
    }
}

struct Resolve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Resolve a conflict; the choice syncs like any other change.")
    @OptionGroup var replica: ReplicaOptions
    @Argument(help: "The conflict's id (from `onsite conflicts`).") var conflict: String
    @Option(help: "mine (this device's value), theirs (the other device's), or the value to set.") var keep: String

    func run() async throws {
        try await reportingErrors {
            let store = try replica.open()
            guard let enrolment = try await store.enrolment() else { throw ClientError.notEnrolled }
            guard let id = UUID(uuidString: conflict),
                  let (record, found) = try await store.allRecords().lazy.compactMap({ record in
                      record.conflicts.first { $0.id == id }.map { (record, $0) }
                  }).first
            else { throw ClientError.invalidInput("No conflict \(conflict) in this replica; `onsite conflicts` lists them.") }
            let me = enrolment.profile.deviceId
            let value: FieldValue
            switch keep {
            case "mine":
                guard let mine = [found.kept, found.lost].first(where: { $0.deviceId == me }) else {
                    throw ClientError.invalidInput("Neither value of this conflict was written by this device; use --keep theirs or give the value.")
                }
                value = mine.value
            case "theirs":
                guard let theirs = [found.kept, found.lost].first(where: { $0.deviceId != me }) else {
                    throw ClientError.invalidInput("Both values of this conflict are this device's; give the value to keep.")
                }
                value = theirs.value
            default:
                value = try Edit.parse(keep, for: found.field)
            }
            try await store.record([(.setField(found.field, value), record.id), (.resolveConflict(id: id), record.id)])
            print("\(record.report.code): \(found.field.rawValue) set to \"\(value)\", conflict closed; it syncs with the next `onsite sync`.")
        }
    }
}
