import Foundation
import OnSiteCore
import OnSiteCrypto
import OnSiteStorage

/// The relay's blobs on the file system, next to the store file.
///
/// ```
/// dataDirectory/blobs/<aa>/<sha256>        complete, verified blobs (never anything else)
/// dataDirectory/uploads/<sha256>.<device>       bytes of one device's upload in progress
/// dataDirectory/uploads/<sha256>.<device>.json  its device, length, type, durable offset and last change
/// dataDirectory/upload-leases/<sha256>.<device> the generation of the request allowed to write it (``UploadClaim``)
/// ```
/// (`<device>` is the first 32 hex digits of the SHA-256 of the device id, see ``UploadKey``.)
///
/// A blob becomes visible only by an atomic rename of a fully written, fsynced and verified file, so a reader
/// never sees a partial blob. An upload's offset is the one recorded in its `.json` file after the bytes
/// before it were fsynced; bytes past it (a chunk cut short by a crash) are overwritten by the next chunk.
/// A relay restart therefore resumes every upload from its recorded offset.
///
/// File I/O here is blocking and runs on the caller's thread; each call touches at most one chunk or one
/// streamed hash of a blob.
public final class RelayBlobStore: Sendable {
    /// The relay's data directory.
    public let directory: URL
    private let leases = UploadLeases()
    let sweepClock = SweepClock()

    /// A blob store in `directory` (created on first write).
    public init(directory: URL) {
        self.directory = directory
    }

    var blobsDirectory: URL { directory.appendingPathComponent("blobs") }
    var uploadsDirectory: URL { directory.appendingPathComponent("uploads") }
    /// Apart from `uploads/`: a lease file may outlive its upload while a relay sharing the folder holds it open.
    var leasesDirectory: URL { directory.appendingPathComponent("upload-leases") }

    /// Where the complete blob `sha256` lives (or would).
    public func blobPath(_ sha256: String) -> String {
        blobsDirectory.appendingPathComponent(String(sha256.prefix(2))).appendingPathComponent(sha256).path
    }

    func uploadDataPath(_ key: UploadKey) -> String { uploadsDirectory.appendingPathComponent(key.fileName).path }
    func uploadMetaPath(_ key: UploadKey) -> String { uploadsDirectory.appendingPathComponent(key.fileName + ".json").path }
    func uploadLeasePath(_ key: UploadKey) -> String { leasesDirectory.appendingPathComponent(key.fileName).path }

    /// Whether the relay holds the complete, verified blob.
    public func hasBlob(_ sha256: String) -> Bool {
        FileManager.default.fileExists(atPath: blobPath(sha256))
    }

    /// The size of a complete blob, or nil.
    public func blobSize(_ sha256: String) -> Int64? {
        var info = stat()
        guard stat(blobPath(sha256), &info) == 0 else { return nil }
        return Int64(info.st_size)
    }

    /// One device's upload in progress of a blob, or nil.
    public func upload(_ key: UploadKey) throws -> PartialUpload? {
        guard let data = FileManager.default.contents(atPath: uploadMetaPath(key)) else { return nil }
        return try JSONDecoder().decode(PartialUpload.self, from: data)
    }

    /// Creates an empty upload for one device; an existing one of the same length and type is returned as it
    /// is, one of another length or type (the device's own, now stale) is replaced.
    public func createUpload(_ key: UploadKey, byteCount: Int64, contentType: String, now: Date = Date()) throws -> PartialUpload {
        if let existing = try upload(key) {
            if existing.byteCount == byteCount, existing.contentType == contentType { return existing }
            discardUpload(key)
        }
        try FileManager.default.createDirectory(at: uploadsDirectory, withIntermediateDirectories: true)
        let descriptor = open(uploadDataPath(key), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw BlobFileError("create", uploadDataPath(key)) }
        close(descriptor)
        let upload = PartialUpload(key: key, byteCount: byteCount, contentType: contentType, offset: 0, updatedAt: now)
        try save(upload)
        return upload
    }

    /// Records an upload's durable offset (write to a temporary file, fsync, rename, fsync the folder).
    func save(_ upload: PartialUpload) throws {
        try DurableFile.write(try JSONEncoder().encode(upload), to: uploadMetaPath(upload.key))
    }

    /// Empties an upload whose bytes failed the whole-file hash after bytes of cut chunks were kept: the device
    /// sends the file again from 0, under the same record (length and type as announced).
    func restart(_ upload: PartialUpload, writer: ChunkWriter, now: Date = Date()) throws -> PartialUpload {
        var emptied = upload
        writer.truncate(to: 0)
        try writer.sync()
        emptied.offset = 0
        emptied.keptPartialChunks = nil
        emptied.updatedAt = now
        try save(emptied)
        return emptied
    }

    /// Forgets an upload and its bytes.
    public func discardUpload(_ key: UploadKey) {
        unlink(uploadMetaPath(key))
        unlink(uploadDataPath(key))
    }

    /// Takes the right to write one device's upload, superseding (revoking) the request that held it, in this
    /// relay or another on the same data folder: a device sends one chunk at a time, so a newer request means the
    /// older one's link is gone.
    ///
    /// - Throws: ``BlobFileError`` when the upload's lease file cannot be used.
    func lease(_ key: UploadKey) throws -> UploadLease {
        try FileManager.default.createDirectory(at: leasesDirectory, withIntermediateDirectories: true)
        return leases.take(key, claim: try UploadClaim.take(path: uploadLeasePath(key)))
    }
    func release(_ lease: UploadLease) { leases.release(lease) }
    /// Whether a request is writing the upload right now (the sweep leaves it alone).
    func isLeased(_ key: UploadKey) -> Bool { leases.isHeld(key) }

    /// Opens the upload's bytes for writing a chunk.
    func openForChunk(_ key: UploadKey) throws -> ChunkWriter {
        let path = uploadDataPath(key)
        // O_CREAT: bytes lost under a record (a crash, a sweep) come back as a hole the final hash refuses.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw BlobFileError("open", path) }
        return ChunkWriter(descriptor: descriptor, path: path)
    }

    /// What verifying a completed upload found.
    public enum Verdict: Sendable, Equatable {
        case valid
        case hashMismatch(actual: String)
        case notJPEG
        case incompleteJPEG(EvidenceError?)
    }

    /// Checks the whole upload: its SHA-256, then (for JPEGs) its structure, reading the file mapped, not copied.
    func verify(_ upload: PartialUpload) throws -> Verdict {
        let path = uploadDataPath(upload.key)
        let actual: String
        do {
            actual = try SHA256.hash(fileAt: path).hex
        } catch {
            throw BlobFileError("hash", path)
        }
        guard actual == upload.sha256 else { return .hashMismatch(actual: actual) }
        guard upload.contentType == "image/jpeg" else { return .valid }
        let inspection = try MappedFile.withBytes(of: path) { JPEGInspector.inspect(buffer: $0) }
        guard inspection.isJPEG else { return .notJPEG }
        guard inspection.isComplete else { return .incompleteJPEG(inspection.structureError) }
        return .valid
    }

    /// Moves a verified upload into `blobs/` with an atomic rename, then forgets the upload. When the blob is
    /// there already (another device's upload of the same bytes), the upload is only forgotten.
    func publish(_ upload: PartialUpload) throws {
        guard !hasBlob(upload.sha256) else { return discardUpload(upload.key) }
        try DurableFile.move(uploadDataPath(upload.key), to: blobPath(upload.sha256))
        unlink(uploadMetaPath(upload.key))
    }
}

/// An upload in progress, as recorded in `uploads/<sha256>.<device key>.json`.
public struct PartialUpload: Codable, Sendable, Hashable {
    public var sha256: String
    /// The device writing it: uploads are per blob and device, so no device can block another's.
    public var deviceId: String
    public var byteCount: Int64
    public var contentType: String
    /// Bytes held durably; the next chunk starts here.
    public var offset: Int64
    /// When the upload was created or last moved; uploads idle longer than `uploadExpiryHours` are swept.
    public var updatedAt: Date
    /// Chunks cut by a dropped link whose received bytes were kept without their checksum (nil: none). Only
    /// the whole-file SHA-256 checks those bytes; when it fails, the upload restarts from 0 (`upload_restarted`).
    public var keptPartialChunks: Int?

    public init(key: UploadKey, byteCount: Int64, contentType: String, offset: Int64, updatedAt: Date) {
        self.sha256 = key.sha256
        self.deviceId = key.deviceId
        self.byteCount = byteCount
        self.contentType = contentType
        self.offset = offset
        self.updatedAt = updatedAt
    }

    public var key: UploadKey { UploadKey(sha256: sha256, deviceId: deviceId) }

    /// Whether some bytes were kept from a cut chunk, unchecked until the whole file is hashed.
    public var holdsUncheckedBytes: Bool { (keptPartialChunks ?? 0) > 0 }
}

/// Writes one chunk at an offset; on any failure the caller truncates back to the chunk's start.
final class ChunkWriter {
    let descriptor: Int32
    let path: String

    init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }

    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws {
        var done = 0
        while done < bytes.count {
            let count = pwrite(descriptor, bytes.baseAddress?.advanced(by: done), bytes.count - done, off_t(offset) + off_t(done))
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw BlobFileError("write", path) }
            done += count
        }
    }

    /// Cuts the file at `length` (discarding a chunk, or stale bytes past the new offset).
    func truncate(to length: Int64) {
        _ = ftruncate(descriptor, off_t(length))
    }

    func sync() throws {
        guard fsync(descriptor) == 0 else { throw BlobFileError("fsync", path) }
    }
}

/// A file operation on the relay's blob store failed (logged, answered as a 500).
struct BlobFileError: Error, CustomStringConvertible {
    let description: String
    /// The `errno` of the failure (`ENOSPC` answers 507).
    let code: Int32
    init(_ action: String, _ path: String) {
        code = errno
        description = "cannot \(action) \(path): \(String(cString: strerror(code)))"
    }
}
