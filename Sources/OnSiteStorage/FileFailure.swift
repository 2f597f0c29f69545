#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file operation that failed: what was being done, on which path, and the system's reason.
public struct FileFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was being done: `open`, `write`, `fsync`, `rename`, `map`…
    public let action: String
    public let path: String
    /// The `errno` at the failure.
    public let code: Int32

    /// Captures `errno` now: call it right after the failing system call.
    public init(_ action: String, _ path: String, code: Int32 = errno) {
        self.action = action
        self.path = path
        self.code = code
    }

    /// E.g. "Cannot write /srv/relay/blobs/ab/ab…: No space left on device."
    public var description: String { "Cannot \(action) \(path): \(String(cString: strerror(code)))." }
}
