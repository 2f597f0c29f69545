import Foundation

/// The part of an upload's lease that other processes see: relays that share a data folder (on one PostgreSQL
/// store) may each receive a request for the same device's upload, when the device resumes through the other
/// relay while its older request still hangs on a dead link.
///
/// `uploads/<sha256>.<device>.lease` holds a generation number (8 bytes). Taking the upload increments it under
/// `flock`; every write, cut and commit of a chunk runs under `flock` after checking that the generation is still
/// the one taken. So the newest request wins across relays exactly as within one (``UploadLeases``): once another
/// relay's request has taken the upload, the older request cannot touch the upload's files again and fails with
/// `upload_superseded`, and the newer one continues from the offset the older one last recorded.
///
/// `flock` locks an open file description, so two blob stores of one process exclude each other too (the tests'
/// two relays on one folder); on NFS, Linux emulates it with the server's byte-range locks.
final class UploadClaim: Sendable {
    /// The lease file.
    let path: String
    /// The generation this claim took.
    let generation: UInt64
    private let descriptor: Int32

    private init(path: String, descriptor: Int32, generation: UInt64) {
        self.path = path
        self.descriptor = descriptor
        self.generation = generation
    }

    deinit { close(descriptor) }

    /// Takes the upload whose lease file is `path`, superseding whoever held it (waiting for a chunk write of
    /// theirs in progress, in this process or another).
    ///
    /// - Throws: ``BlobFileError`` when the lease file cannot be opened, locked, read or written.
    static func take(path: String) throws -> UploadClaim {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw BlobFileError("open", path) }
        do {
            let generation = try withLock(descriptor, path: path) {
                let next = try readGeneration(descriptor, path: path) &+ 1
                var bytes = next.littleEndian
                let written = withUnsafeBytes(of: &bytes) { pwrite(descriptor, $0.baseAddress, 8, 0) }
                guard written == 8 else { throw BlobFileError("write", path) }
                return next
            }
            return UploadClaim(path: path, descriptor: descriptor, generation: generation)
        } catch {
            close(descriptor)
            throw error
        }
    }

    /// Runs `body` while no newer request (of any process) has taken the upload, under the file's lock.
    ///
    /// - Throws: `upload_superseded` when a newer request took the upload (or the lease file was replaced);
    ///   ``BlobFileError`` when the lock cannot be taken; whatever `body` throws.
    func whileCurrent<T>(_ body: () throws -> T) throws -> T {
        try Self.withLock(descriptor, path: path) {
            guard try Self.readGeneration(descriptor, path: path) == generation, isStillAtPath else { throw UploadError.superseded }
            return try body()
        }
    }

    /// Whether `path` still names the file this claim opened (a sweep may remove a lease file it judged abandoned).
    private var isStillAtPath: Bool {
        var opened = stat(), named = stat()
        guard fstat(descriptor, &opened) == 0, stat(path, &named) == 0 else { return false }
        return opened.st_ino == named.st_ino && opened.st_dev == named.st_dev
    }

    private static func withLock<T>(_ descriptor: Int32, path: String, _ body: () throws -> T) throws -> T {
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw BlobFileError("lock", path) }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }

    /// The generation in the file (0 for a new, empty file).
    private static func readGeneration(_ descriptor: Int32, path: String) throws -> UInt64 {
        var value: UInt64 = 0
        let count = withUnsafeMutableBytes(of: &value) { pread(descriptor, $0.baseAddress, 8, 0) }
        guard count >= 0 else { throw BlobFileError("read", path) }
        return count == 8 ? UInt64(littleEndian: value) : 0
    }
}
