import Foundation

/// A lock on a data folder, held for as long as the object lives: one relay per folder (``Mode/exclusive``), or
/// several relays that share the folder and nobody else (``Mode/shared``).
///
/// `flock(LOCK_EX | LOCK_NB)` (or `LOCK_SH`) on a lock file inside the folder; an exclusive owner writes its pid
/// as text. The kernel drops the lock when the process ends, however it ends (a crash or SIGKILL leaves no stale
/// lock), so the file itself may stay behind harmlessly.
///
/// ```swift
/// let lock = try DataFolderLock(folder: configuration.dataDirectory, fileName: "relay.lock")
/// try await app.runService()   // the lock is held until `lock` goes away
/// withExtendedLifetime(lock) {}
/// ```
public final class DataFolderLock: Sendable {
    /// How the folder is held.
    public enum Mode: Sendable, Hashable {
        /// This process alone (a relay on the SQLite store in the folder).
        case exclusive
        /// Any number of processes that take it shared, and no exclusive owner (relays on one PostgreSQL store,
        /// sharing the folder's blobs and key).
        case shared
    }

    /// The lock file.
    public let path: String
    private let descriptor: Int32

    /// Takes the lock, or throws ``DataFolderLockError`` naming the process that holds it.
    public init(folder: String, fileName: String, mode: Mode = .exclusive) throws(DataFolderLockError) {
        let path = URL(fileURLWithPath: folder).appendingPathComponent(fileName).path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .unusable(FileFailure("open", path)) }
        guard flock(descriptor, (mode == .exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0 else {
            let code = errno
            let holder = Self.readHolder(descriptor)
            close(descriptor)
            if code == EWOULDBLOCK {
                throw mode == .exclusive && holder == nil ? .shared(folder: folder, lockFile: path) : .held(folder: folder, lockFile: path, pid: holder)
            }
            throw .unusable(FileFailure("lock", path, code: code))
        }
        guard mode == .exclusive else {
            // Shared holders write nothing; an exclusive owner's stale pid is cleared so it is not named later.
            if ftruncate(descriptor, 0) != 0 {
                let failure = FileFailure("truncate", path)
                close(descriptor)
                throw .unusable(failure)
            }
            self.path = path
            self.descriptor = descriptor
            return
        }
        let text = Array("\(getpid())\n".utf8)
        guard ftruncate(descriptor, 0) == 0,
              text.withUnsafeBytes({ DurableFile.writeAll(descriptor, $0) })
        else {
            let failure = FileFailure("write", path)
            close(descriptor)
            throw .unusable(failure)
        }
        self.path = path
        self.descriptor = descriptor
    }

    deinit {
        // Closing the descriptor releases the lock; the stale pid in the file is ignored by the next owner.
        close(descriptor)
    }

    /// The pid written by the holder, if it wrote one.
    private static func readHolder(_ descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, 32, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer.prefix(count), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Int32(text)
    }
}

/// The data folder's lock could not be taken.
public enum DataFolderLockError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Another process holds it (its pid when it wrote one).
    case held(folder: String, lockFile: String, pid: Int32?)
    /// Processes that share the folder hold it (relays on one PostgreSQL store), so it cannot be held alone.
    case shared(folder: String, lockFile: String)
    /// The lock file could not be opened, locked or written.
    case unusable(FileFailure)

    public var description: String {
        switch self {
        case .held(let folder, let lockFile, let pid):
            "Another onsite-relay \(pid.map { "(pid \($0)) " } ?? "")is already serving the data folder \(folder) "
                + "(it holds \(lockFile)). Stop it first, or give this one another data folder; two relays on one "
                + "SQLite database would hand out the same versions twice. Relays share a data folder only when they "
                + "all run on one PostgreSQL store (`store` in the configuration)."
        case .shared(let folder, let lockFile):
            "Relays on a PostgreSQL store are serving the data folder \(folder) together (they hold \(lockFile) "
                + "shared), so it cannot be used alone: stop them first, or give this relay the same `store`, or "
                + "another data folder."
        case .unusable(let failure):
            "Cannot lock the data folder: \(failure.description) Check the folder's owner and permissions."
        }
    }
}
