import ArgumentParser
import Foundation
import OnSiteClient
import OnSiteCore
import OnSiteSync

struct Conflicts: AsyncParsableCommand, ReplicaCommand {
    static let configuration = CommandConfiguration(abstract: "List open conflicts: two people changed the same field without seeing each other's change.")
    @OptionGroup var replica: ReplicaOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let open = try await replica.open().openConflicts()
        if json { return try printJSON(open.map(\.conflict)) }
        if open.isEmpty { print("No open conflicts."); return }
        for item in open {
            let conflict = item.conflict
            print("\(conflict.id)  \(item.reportCode)  \(conflict.field.rawValue)")
            print("    kept: \(Self.line(conflict.kept))")
            print("    lost: \(Self.line(conflict.lost))")
        }
        print("Resolve one with `onsite resolve ID --keep mine|theirs|VALUE`.")
    }

    private static func line(_ write: FieldWrite) -> String {
        "\"\(write.value)\" by \(write.deviceName) at \(WireDate.format(WireDate.date(millis: write.stamp.wallMillis)))"
    }
}

struct Resolve: AsyncParsableCommand, ReplicaCommand {
    static let configuration = CommandConfiguration(abstract: "Resolve a conflict; the choice syncs like any other change.")
    @OptionGroup var replica: ReplicaOptions
    @Argument(help: "The conflict's id (from `onsite conflicts`).") var conflict: String
    @Option(help: "mine (this device's value), theirs (the other device's), or the value to set.") var keep: String

    func run() async throws {
        let resolved = try await replica.open().resolve(conflict, keeping: ConflictChoice(keep))
        print("\(resolved.reportCode): \(resolved.field.rawValue) set to \"\(resolved.value)\", conflict closed; it syncs with the next `onsite sync`.")
    }
}
