import Foundation

/// Writes a response body to `path.partial` and renames it to `path` once the transfer has completed.
final class DownloadSink {
    let path: String
    private let partialPath: String
    private var descriptor: Int32

    /// Creates (or truncates) `path.partial`.
    init(path: String) throws(TransportError) {
        self.path = path
        partialPath = path + ".partial"
        descriptor = open(partialPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw .localFile(partialPath, action: "write the download to", reason: String(cString: strerror(errno)))
        }
    }

    /// Appends all of `bytes`.
    func write(_ bytes: UnsafeRawBufferPointer) throws(TransportError) {
        var offset = 0
        while offset < bytes.count {
            let count = Foundation.write(descriptor, bytes.baseAddress?.advanced(by: offset), bytes.count - offset)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                throw .localFile(partialPath, action: "write the download to", reason: String(cString: strerror(errno)))
            }
            offset += count
        }
    }

    /// Flushes, closes and renames the file into place.
    func commit() throws(TransportError) {
        defer { discard() }
        guard fsync(descriptor) == 0, rename(partialPath, path) == 0 else {
            throw .localFile(path, action: "finish the download to", reason: String(cString: strerror(errno)))
        }
    }

    /// Closes the file and removes what is left of `path.partial`. Safe to call twice.
    func discard() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
        unlink(partialPath)
    }
}
