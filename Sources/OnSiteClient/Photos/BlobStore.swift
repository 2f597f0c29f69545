import Foundation
import OnSiteCrypto
import OnSiteStorage

/// A blob in the replica's content-addressed store.
public struct StoredBlob: Sendable, Hashable {
    /// Lowercase hex SHA-256 of the bytes.
    public var sha256: String
    public var byteCount: Int64
    /// `blobs/<aa>/<sha256>` in the replica folder.
    public var path: String
}

/// The replica's content-addressed blob folder: `blobs/<first two hex digits>/<sha256>`.
///
/// A file appears under its hash only by an atomic rename of a complete, fsynced copy whose hash was computed
/// while copying (or checked on arrival, for downloads), so a name always matches its bytes. Copies stream in
/// 256 KiB pieces: memory stays bounded whatever the file size.
public struct BlobStore: Sendable {
    public let directory: URL
    static let pieceSize = 256 * 1024

    public init(directory: URL) {
        self.directory = directory
    }

    /// Where the blob `sha256` lives (or would).
    public func path(for sha256: String) -> String {
        directory.appendingPathComponent(String(sha256.prefix(2))).appendingPathComponent(sha256).path
    }

    /// Whether the store holds the blob.
    public func contains(_ sha256: String) -> Bool { FileManager.default.fileExists(atPath: path(for: sha256)) }

    /// A fresh temporary path inside the store (same file system, so a rename is atomic).
    func temporaryPath(_ tag: String) throws -> String {
        let folder = directory.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent("\(tag)-\(UUID().uuidString)").path
    }

    /// Copies a file into the store, hashing while copying; returns the stored blob.
    ///
    /// The blob is published with an import intent marker (``clearImportIntents(_:)`` once its commit is over).
    ///
    /// - Throws: ``ClientError`` when the file cannot be read or the store cannot be written.
    public func importFile(at source: String) throws -> StoredBlob {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw Self.error("read", source) }
        defer { close(input) }
        let temporary = try temporaryPath("import")
        let output = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard output >= 0 else { throw Self.error("write", temporary) }
        var keep = false
        defer { if !keep { unlink(temporary) } }
        let hasher = SHA256Hasher()
        var total: Int64 = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.pieceSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(input, buffer.baseAddress, buffer.count)
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { close(output); throw Self.error("read", source) }
            if count == 0 { break }
            let piece = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
            hasher.update(bytes: piece)
            guard DurableFile.writeAll(output, piece) else { close(output); throw Self.error("write", temporary) }
            total += Int64(count)
        }
        close(output)
        let sha256 = hasher.finalize().hex
        // Until the caller's commit records the photo (or fails and cleans up), a marker says the blob may be
        // unreferenced: see BlobStore+Intents.
        try markImportIntent(sha256)
        try publish(temporary, as: sha256)
        keep = true
        return StoredBlob(sha256: sha256, byteCount: total, path: path(for: sha256))
    }

    /// Moves a complete file into the store under `sha256` (after checking its hash when asked).
    ///
    /// - Returns: false (and removes the file) when `verify` is set and the bytes do not hash to `sha256`.
    @discardableResult
    func publish(_ temporary: String, as sha256: String, verify: Bool = false) throws -> Bool {
        if verify {
            let actual = try? SHA256.hash(fileAt: temporary).hex
            guard actual == sha256 else {
                unlink(temporary)
                return false
            }
        }
        do {
            try DurableFile.move(temporary, to: path(for: sha256))
        } catch {
            throw ClientError.invalidInput(error.description)
        }
        return true
    }

    /// Calls `body` with the blob's bytes mapped into memory (not read into it).
    public func withMappedBlob<T>(_ sha256: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) throws -> T {
        do {
            return try MappedFile.withBytes(of: path(for: sha256), body)
        } catch {
            throw ClientError.invalidInput(error.description)
        }
    }

    /// The SHA-256 of `length` bytes of the blob from `offset`, read in pieces.
    func checksum(of sha256: String, offset: Int64, length: Int64) throws -> SHA256Digest {
        let file = path(for: sha256)
        let descriptor = open(file, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.error("read", file) }
        defer { close(descriptor) }
        let hasher = SHA256Hasher()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.pieceSize, alignment: 16)
        defer { buffer.deallocate() }
        var done: Int64 = 0
        while done < length {
            let wanted = Int(min(Int64(buffer.count), length - done))
            let count = pread(descriptor, buffer.baseAddress, wanted, off_t(offset + done))
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw Self.error("read", file) }
            hasher.update(bytes: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            done += Int64(count)
        }
        return hasher.finalize()
    }

    private static func error(_ action: String, _ path: String) -> ClientError {
        ClientError.invalidInput(FileFailure(action, path).description)
    }
}
