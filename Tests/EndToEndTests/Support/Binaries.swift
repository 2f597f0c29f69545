import Foundation
import OnSiteRelayProcess

/// Finds the `onsite` and `onsite-relay` executables SwiftPM built next to the test bundle.
enum Binaries {
    static let directory: URL = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build/debug"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("onsite-relay").path) }
            ?? candidates[0]
    }()

    static var relay: URL { directory.appendingPathComponent("onsite-relay") }
    static var client: URL { directory.appendingPathComponent("onsite") }
}

/// A finished run of a command.
typealias CommandResult = ProgramRun

/// Runs a program to completion, capturing its output.
@discardableResult
func run(_ program: URL, _ arguments: [String], in directory: URL? = nil) throws -> CommandResult {
    try ProgramRun.run(program, arguments, in: directory)
}
