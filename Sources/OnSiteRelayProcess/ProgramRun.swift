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
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("onsite-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("out"), err = scratch.appendingPathComponent("err")
        let child = try ChildProcess(program.path, arguments, directory: directory?.path, output: .file(out.path), error: .file(err.path))
        let exit = child.wait()
        return ProgramRun(
            status: exit.status,
            output: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            error: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}
