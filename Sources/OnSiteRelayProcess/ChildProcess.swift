import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A program started with `posix_spawn` and waited for with `waitpid`, for the tests and benchmarks that run
/// relays, clients, `openssl`, `python3` and PostgreSQL's tools.
///
/// Not Foundation's `Process`: on Linux its waits go through one process-manager thread, and a `run()` that fails
/// midway (out of file descriptors, say) can leave that thread waiting for ever, after which no `waitUntilExit()`
/// in the process returns; seen here as a whole test run hanging with both of Swift's concurrency threads inside
/// `waitUntilExit`. Here each wait is `waitpid` on its own child, so one failure stays one failure.
///
/// The child gets standard input, output and error as asked and no other descriptor of this process (all others
/// are closed in the child), so a long-lived child such as a PostgreSQL server never holds a pipe a test reads.
///
/// ```swift
/// let child = try ChildProcess("/usr/bin/openssl", ["version"], output: .pipe)
/// let text = String(decoding: child.readOutputToEnd(), as: UTF8.self)
/// let status = child.wait()
/// ```
public final class ChildProcess: @unchecked Sendable {
    // @unchecked: `exit` is guarded by `lock`; the pipes' handles are set once in init.

    /// Where a standard stream of the child goes.
    public enum Stream: Sendable {
        /// `/dev/null`.
        case null
        /// A file, created or truncated (for output) or read (for input).
        case file(String)
        /// A pipe whose other end this object holds (``input``, ``output``, ``error``).
        case pipe
        /// Standard error only: wherever standard output goes.
        case toOutput
    }

    /// How a child ended.
    public enum Exit: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)

        /// The exit code, or 128 + the signal, as a shell reports it.
        public var status: Int32 {
            switch self {
            case .exited(let code): code
            case .signalled(let signal): 128 + signal
            }
        }
    }

    public let pid: pid_t
    /// The write end of the child's standard input, when it is a pipe.
    public let input: FileHandle?
    /// The read end of the child's standard output, when it is a pipe.
    public let output: FileHandle?
    /// The read end of the child's standard error, when it is a pipe.
    public let error: FileHandle?
    private let lock = NSLock()
    private var exit: Exit?

    /// Starts `executable` (a path, not searched in `PATH`) with `arguments`.
    ///
    /// - Throws: ``ChildProcessError`` when a pipe or the child cannot be made.
    public init(_ executable: String, _ arguments: [String], directory: String? = nil, environment: [String: String]? = nil,
                input: Stream = .null, output: Stream = .null, error: Stream = .toOutput) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Descriptors of the child's ends of pipes, closed here once it has them.
        var childEnds: [Int32] = []
        var parentEnds: [Int32?] = [nil, nil, nil]
        defer { childEnds.forEach { close($0) } }
        do {
            for (descriptor, stream) in [(Int32(0), input), (1, output), (2, error)] {
                switch stream {
                case .null:
                    posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
                case .file(let path):
                    let flags = descriptor == 0 ? O_RDONLY : O_WRONLY | O_CREAT | O_TRUNC
                    posix_spawn_file_actions_addopen(&actions, descriptor, path, flags, 0o600)
                case .toOutput:
                    posix_spawn_file_actions_adddup2(&actions, 1, descriptor)
                case .pipe:
                    var ends: [Int32] = [-1, -1]
                    guard pipe(&ends) == 0 else { throw ChildProcessError("cannot make a pipe for \(executable): \(Self.errorText(errno))") }
                    // Not inherited by other children (Swift's Glibc has no pipe2); this child gets its end by dup2.
                    ends.forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) }
                    let (childEnd, parentEnd) = descriptor == 0 ? (ends[0], ends[1]) : (ends[1], ends[0])
                    childEnds.append(childEnd)
                    parentEnds[Int(descriptor)] = parentEnd
                    posix_spawn_file_actions_adddup2(&actions, childEnd, descriptor)
                }
            }
            Self.closeOtherDescriptors(&actions)
            // Signals as a new program expects them: none blocked, default handlers (this process's threads may block some).
            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            var none = sigset_t()
            sigemptyset(&none)
            posix_spawnattr_setsigmask(&attributes, &none)
            var all = sigset_t()
            sigfillset(&all)
            posix_spawnattr_setsigdefault(&attributes, &all)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
            if let directory { try Self.changeDirectory(&actions, to: directory) }
            let argv = ([executable] + arguments).map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var environmentLines: [UnsafeMutablePointer<CChar>?]?
            if let environment {
                environmentLines = environment.map { key, value in strdup("\(key)=\(value)") } + [nil]
            }
            defer { environmentLines?.forEach { free($0) } }
            var child: pid_t = 0
            let result = environmentLines.map { lines in posix_spawn(&child, executable, &actions, &attributes, argv, lines) }
                ?? posix_spawn(&child, executable, &actions, &attributes, argv, environ)
            guard result == 0 else { throw ChildProcessError("cannot start \(executable): \(Self.errorText(result))") }
            pid = child
        } catch {
            parentEnds.compactMap { $0 }.forEach { close($0) }
            throw error
        }
        self.input = parentEnds[0].map { FileHandle(fileDescriptor: $0, closeOnDealloc: true) }
        self.output = parentEnds[1].map { FileHandle(fileDescriptor: $0, closeOnDealloc: true) }
        self.error = parentEnds[2].map { FileHandle(fileDescriptor: $0, closeOnDealloc: true) }
    }

    /// Whether the child has not ended yet (reaps it when it has).
    public var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        guard exit == nil else { return false }
        var status: Int32 = 0
        let reaped = waitpid(pid, &status, WNOHANG)
        if reaped == pid { exit = Self.exit(status) }
        if reaped == -1, errno == ECHILD { exit = .signalled(0) }
        return exit == nil
    }

    /// Waits until the child ends (blocking this thread) and says how.
    @discardableResult
    public func wait() -> Exit {
        lock.lock()
        defer { lock.unlock() }
        if let exit { return exit }
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, 0)
            if reaped == pid { break }
            if reaped == -1, errno != EINTR {
                exit = .signalled(0)
                return .signalled(0)
            }
        }
        let ended = Self.exit(status)
        exit = ended
        return ended
    }

    /// Sends `signal` to the child unless it has been reaped already.
    public func send(_ signal: Int32) {
        lock.lock()
        defer { lock.unlock() }
        if exit == nil { kill(pid, signal) }
    }

    /// Everything the child writes to its standard output pipe until it closes it.
    public func readOutputToEnd() -> Data {
        output?.readDataToEndOfFile() ?? Data()
    }

    /// Writes `data` to the child's standard input pipe and closes it, so the child reads to its end.
    public func writeInputAndClose(_ data: Data) throws {
        guard let input else { return }
        try input.write(contentsOf: data)
        try input.close()
    }

    private static func exit(_ status: Int32) -> Exit {
        status & 0x7f == 0 ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f)
    }

    private static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code)) + " (errno \(code))"
    }

    /// Closes every descriptor from 3 up in the child: glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+,
    /// not in Swift's Glibc module, so looked up), else each descriptor open in this process now.
    private static func closeOtherDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
            let closeFrom = unsafeBitCast(symbol, to: CloseFrom.self)
            if closeFrom(&actions, 3) == 0 { return }
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in open.compactMap(Int32.init) where descriptor > 2 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
    }

    /// Starts the child in `directory` (glibc's `posix_spawn_file_actions_addchdir_np`, 2.29+, looked up).
    private static func changeDirectory(_ actions: inout posix_spawn_file_actions_t, to directory: String) throws {
        typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") else {
            throw ChildProcessError("this C library cannot start a program in another folder (\(directory))")
        }
        let changeDirectory = unsafeBitCast(symbol, to: ChangeDirectory.self)
        guard changeDirectory(&actions, directory) == 0 else { throw ChildProcessError("cannot start a program in \(directory)") }
    }
}

/// A child process could not be started.
public struct ChildProcessError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
