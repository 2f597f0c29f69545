import Foundation

/// A program run to completion, its output and errors captured in files (not pipes, so nothing can block).
public struct ProgramRun: Sendable {
    public var status: Int32
    public var output: String
    public var error: String

    /// Standard output then standard error.
    public var combined: String { output + error }

    /// Runs `program` with `arguments` (in `directory` when given) and waits for it to end.
    public static func run(_ program: URL, _ arguments: [String], in directory: URL? = nil) throws -> ProgramRun {
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
        return ProgramRun(
            status: process.terminationStatus,
            output: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            error: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}
