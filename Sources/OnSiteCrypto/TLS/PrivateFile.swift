import Foundation

/// Writes files atomically (temporary file, `fsync`, `rename`) with an exact mode, whatever the umask.
enum PrivateFile {
    static func write(_ bytes: [UInt8], to path: String, mode: mode_t) throws(CryptoError) {
        let temporary = path + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw .fileUnwritable(temporary, errno: errno) }
        var succeeded = false
        defer {
            close(descriptor)
            if !succeeded { unlink(temporary) }
        }
        guard fchmod(descriptor, mode) == 0 else { throw .fileUnwritable(temporary, errno: errno) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                Foundation.write(descriptor, buffer.baseAddress?.advanced(by: written), bytes.count - written)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw .fileUnwritable(temporary, errno: errno)
            }
            written += count
        }
        guard fsync(descriptor) == 0 else { throw .fileUnwritable(temporary, errno: errno) }
        guard rename(temporary, path) == 0 else { throw .fileUnwritable(path, errno: errno) }
        succeeded = true
    }

    /// Writes `bytes` to `path` unless a file is there already (another process's): written whole and fsynced
    /// under a temporary name, then hard-linked to `path`, which fails rather than replace a file. Returns false,
    /// writing nothing, when `path` exists.
    static func writeIfAbsent(_ bytes: [UInt8], to path: String, mode: mode_t) throws(CryptoError) -> Bool {
        // Unique per call: threads of one process may race here too.
        let temporary = path + ".new-\(getpid())-\(UUID().uuidString)"
        try write(bytes, to: temporary, mode: mode)
        defer { unlink(temporary) }
        guard link(temporary, path) == 0 else {
            if errno == EEXIST { return false }
            throw .fileUnwritable(path, errno: errno)
        }
        return true
    }

    /// Creates `path` (and parents) with mode 0700 if it does not exist yet.
    static func makeDirectory(_ path: String) throws(CryptoError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .fileUnwritable(path, errno: ENOTDIR) }
            return
        }
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .fileUnwritable(path, reason: error.localizedDescription)
        }
    }
}
