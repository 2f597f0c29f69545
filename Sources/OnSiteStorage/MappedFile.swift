import Foundation

/// A file's bytes mapped into memory, not read into it: walking a 200 MB photo's headers makes a few MB
/// resident.
///
/// ```swift
/// let inspection = try MappedFile.withBytes(of: path) { JPEGInspector.inspect(buffer: $0) }
/// ```
public enum MappedFile {
    /// Calls `body` with the file's bytes; the mapping lives only during the call.
    ///
    /// - Throws: ``FileFailure`` when the file cannot be opened or mapped.
    public static func withBytes<T>(of path: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) throws(FileFailure) -> T {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileFailure("open", path) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw FileFailure("stat", path) }
        let size = Int(info.st_size)
        guard size > 0 else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        // Drop the (fsynced, clean) file from the page cache first: faults on a mapping also map neighbouring
        // pages that are cached, which would make the whole file resident although the walk reads only headers.
        _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED)
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), base != MAP_FAILED else {
            throw FileFailure("map", path)
        }
        defer { munmap(base, size) }
        // The walk jumps from segment header to segment header: no read-ahead, so only the pages it touches
        // become resident (a 200 MB photo of 64 KiB segments maps a few MB, not 200).
        _ = madvise(base, size, MADV_RANDOM)
        return body(UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: size))
    }
}
