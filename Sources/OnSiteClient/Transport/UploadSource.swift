import Foundation

/// Supplies a request body to libcurl's read callback in pieces, from memory or from a file region.
final class UploadSource {
    private enum Source {
        case memory(Data, position: Int)
        case file(path: String, descriptor: Int32)
    }

    private var source: Source
    /// The number of bytes the body has (the `Content-Length`).
    let length: UInt64
    private var remaining: UInt64

    /// Opens the body; for a file, checks the region lies inside it and seeks to its start.
    init(_ body: HTTPRequest.Body) throws(TransportError) {
        switch body {
        case .none:
            source = .memory(Data(), position: 0)
            length = 0
        case .data(let data):
            source = .memory(data, position: 0)
            length = UInt64(data.count)
        case .file(let path, let offset, let requestedLength):
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw Self.fileError(path, errno) }
            var info = stat()
            guard fstat(descriptor, &info) == 0 else {
                let code = errno
                _ = Foundation.close(descriptor)
                throw Self.fileError(path, code)
            }
            let size = UInt64(info.st_size)
            let regionLength = requestedLength ?? (size >= offset ? size - offset : 0)
            guard offset <= size, regionLength <= size - offset else {
                _ = Foundation.close(descriptor)
                throw .localFile(path, action: "upload", reason: "the file has \(size) bytes, fewer than offset "
                                 + "\(offset) + length \(regionLength)")
            }
            guard lseek(descriptor, off_t(offset), SEEK_SET) >= 0 else {
                let code = errno
                _ = Foundation.close(descriptor)
                throw Self.fileError(path, code)
            }
            source = .file(path: path, descriptor: descriptor)
            length = regionLength
        }
        remaining = length
    }

    /// Copies up to `buffer.count` next bytes into `buffer`; returns 0 at the end of the body.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(TransportError) -> Int {
        let wanted = Int(min(UInt64(buffer.count), remaining))
        guard wanted > 0 else { return 0 }
        switch source {
        case .memory(let data, let position):
            let start = data.startIndex + position
            data.copyBytes(to: buffer.bindMemory(to: UInt8.self), from: start..<start + wanted)
            source = .memory(data, position: position + wanted)
            remaining -= UInt64(wanted)
            return wanted
        case .file(let path, let descriptor):
            while true {
                let count = Foundation.read(descriptor, buffer.baseAddress, wanted)
                if count < 0, errno == EINTR { continue }
                guard count >= 0 else { throw Self.fileError(path, errno) }
                guard count > 0 else {
                    throw .localFile(path, action: "upload", reason: "the file became shorter during the upload")
                }
                remaining -= UInt64(count)
                return count
            }
        }
    }

    /// Closes the file, if any. Safe to call twice.
    func close() {
        if case .file(_, let descriptor) = source, descriptor >= 0 {
            _ = Foundation.close(descriptor)
            source = .memory(Data(), position: 0)
        }
    }

    private static func fileError(_ path: String, _ code: Int32) -> TransportError {
        .localFile(path, action: "upload", reason: String(cString: strerror(code)))
    }
}
