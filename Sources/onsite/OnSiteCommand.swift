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
            Act.self, Sync.self, Status.self, Import.self, ReportCommand.self, Notice.self, Attach.self, Photos.self, Conflicts.self, Resolve.self, Export.self,
        ])

    /// Parses, runs, and turns every runtime error into one sentence on stderr with a fitting exit code
    /// (argument errors keep ArgumentParser's message and usage).
    static func main() async {
        let command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var syncCommand = command
                try syncCommand.run()
            }
        } catch let error where error is ExitCode || error is CleanExit || error is ValidationError {
            exit(withError: error)
        } catch {
            let failure = FailureExplanation(error, replica: (command as? any ReplicaCommand)?.replica.directory)
            FileHandle.standardError.write(Data("error: \(failure.sentence)\n".utf8))
            exit(withError: failure.isTemporary ? Exit.temporary : Exit.refused)
        }
    }
}

/// A command that works on a replica folder.
protocol ReplicaCommand {
    var replica: ReplicaOptions { get }
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
    func open() throws -> FieldClient { try FieldClient(opening: directory) }
}

/// Exit codes scripts can rely on.
enum Exit {
    /// The relay could not be reached or the replica was busy; everything is kept, try again later (EX_TEMPFAIL).
    static let temporary = ExitCode(75)
    /// The relay or the replica refused the request.
    static let refused = ExitCode(1)
}

/// Writes JSON for scripts.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// Turns a library input error into an argument error, for `validate()`.
func validating(_ check: () throws(ClientError) -> Void) throws {
    do {
        try check()
    } catch {
        throw ValidationError(error.description)
    }
}
