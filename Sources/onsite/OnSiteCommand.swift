import ArgumentParser
import Foundation
import OnSiteClient

@main
struct OnSiteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "onsite",
        abstract: "OnSite field client: a local replica of your units' reports that works offline and syncs when a link appears.",
        subcommands: [
            Init.self, Enroll.self, List.self, Show.self, NoteCommand.self, Edit.self, Verify.self,
            Act.self, Sync.self, Status.self, Import.self, ReportCommand.self, Notice.self, Attach.self, Photos.self, Conflicts.self, Resolve.self,
        ])
}

/// The replica folder every command works on.
struct ReplicaOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The replica folder (default: $ONSITE_HOME or ~/.onsite).", valueName: "dir"))
    var replica: String?

    var directory: URL {
        if let replica { return URL(fileURLWithPath: replica) }
        if let home = ProcessInfo.processInfo.environment["ONSITE_HOME"] { return URL(fileURLWithPath: home) }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".onsite")
    }

    /// Opens the replica; refuses to create one implicitly, except for `init`.
    func open() throws -> Replica {
        guard Replica.exists(in: directory) else {
            throw ValidationError("No replica in \(directory.path). Run `onsite init --replica \(directory.path)` first.")
        }
        return try Replica(directory: directory)
    }
}

/// Exit codes scripts can rely on.
enum Exit {
    /// The relay could not be reached; everything is kept, try again later (EX_TEMPFAIL).
    static let unreachable = ExitCode(75)
    /// The relay or the replica refused the request.
    static let refused = ExitCode(1)
}

/// Runs a command body, printing a client error as one clear sentence on stderr with a fitting exit code.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as ClientError {
        FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
        throw error.isUnreachable ? Exit.unreachable : Exit.refused
    }
}

/// Writes JSON for scripts.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
