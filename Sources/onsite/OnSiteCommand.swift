import ArgumentParser
import Foundation
import OnSiteClient
import OnSiteStorage
import OnSiteSync

@main
struct OnSiteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "onsite",
        abstract: "OnSite field client: a local replica of your units' reports that works offline and syncs when a link appears.",
        version: OnSiteVersion.description,
        subcommands: [
            Init.self, Enroll.self, List.self, Show.self, NoteCommand.self, Edit.self, Verify.self,
            Act.self, Sync.self, Status.self, Import.self, ReportCommand.self, Notice.self, Attach.self, Photos.self, Conflicts.self, Resolve.self, Export.self, EvidenceCommand.self,
        ])

    /// Parses, runs, and turns every runtime error into one sentence on stderr with a fitting exit code
    /// (argument errors keep ArgumentParser's message and usage).
    static func main() async {
        // The replica holds the device token and reporters' phone numbers: whatever is created is the owner's only.
        PrivateFolder.restrictNewFiles()
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
            exit(withError: Exit.code(for: failure.failureClass))
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
    func open() throws -> FieldClient {
        let client = try FieldClient(opening: directory)
        Self.sayTightened(client.replica.permissionsTightened)
        return client
    }

    /// Opens the replica for reading only (`status`, `list`, `show`): they work on a full disk.
    func openForReading() throws -> FieldClient {
        let client = try FieldClient(readingOnly: directory)
        Self.sayTightened(client.replica.permissionsTightened)
        return client
    }

    /// Tells on stderr which files opening the replica made private (stdout stays for the command's output).
    static func sayTightened(_ paths: [String]) {
        guard let first = paths.first else { return }
        let more = paths.count > 1 ? " and \(paths.count - 1) more" : ""
        FileHandle.standardError.write(Data("note: made \(first)\(more) private to this user (mode 0700/0600); they were readable by others.\n".utf8))
    }
}

/// Exit codes scripts can rely on (README, "Exit codes"): 75 means try again later as is; every other non-zero
/// code means something must change first, and a retry loop should stop.
enum Exit {
    /// The relay could not be reached, answered 5xx/429/507, the replica was busy, or work was left for later;
    /// everything is kept, try again later (EX_TEMPFAIL).
    static let temporary = ExitCode(75)
    /// The relay or the replica refused the request for another reason.
    static let refused = ExitCode(1)
    /// Bad input: an argument, a report id, no replica, not enrolled (EX_USAGE, as ArgumentParser's own errors).
    static let badInput = ExitCode(64)
    /// The relay speaks another protocol version (EX_PROTOCOL).
    static let protocolMismatch = ExitCode(76)
    /// The token was refused or the device may not do this: 401 or 403 (EX_NOPERM).
    static let notPermitted = ExitCode(77)
    /// The relay's certificate is not trusted by the pinned CA, or the CA file is unusable (EX_CONFIG).
    static let untrustedRelay = ExitCode(78)
    /// A plain http:// address for a relay that speaks TLS.
    static let plainHTTPToTLS = ExitCode(79)

    static func code(for failure: FailureClass) -> ExitCode {
        switch failure {
        case .temporary: temporary
        case .untrustedRelay: untrustedRelay
        case .plainHTTPToTLS: plainHTTPToTLS
        case .notPermitted: notPermitted
        case .protocolMismatch: protocolMismatch
        case .badInput: badInput
        case .refused: refused
        }
    }
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

extension Exit {
    /// A sync that left photos for later (the relay busy, the link cut during an upload) ends with 75 after its
    /// report, so a retry loop runs it again; the photos are kept on the device.
    static func checkNothingDeferred(_ report: SyncReport) throws {
        let deferred = report.photos.deferred.count
        guard deferred > 0 else { return }
        FileHandle.standardError.write(Data("note: \(deferred) photo\(deferred == 1 ? " was" : "s were") left for later and kept on this device; run `onsite sync` again.\n".utf8))
        throw temporary
    }
}
