import Foundation

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
struct CommandResult: Sendable {
    var status: Int32
    var output: String
    var error: String

    var combined: String { output + error }
}

/// Runs a program to completion, capturing its output (files, not pipes, so nothing can block).
@discardableResult
func run(_ program: URL, _ arguments: [String], in directory: URL? = nil) throws -> CommandResult {
    let process = Process()
    process.executableURL = program
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("onsite-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let out = scratch.appendingPathComponent("out"), err = scratch.appendingPathComponent("err")
    FileManager.default.createFile(atPath: out.path, contents: nil)
    FileManager.default.createFile(atPath: err.path, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    try process.run()
    process.waitUntilExit()
    return CommandResult(
        status: process.terminationStatus,
        output: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
        error: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
}
