import Foundation

/// Files that survive a crash the moment the call returns: written to a temporary file in the same folder,
/// fsynced, renamed over the destination, and the folder fsynced so the rename itself is durable.
///
/// ```swift
/// try DurableFile.write(Data(json.utf8), to: metaPath)     // offsets, settings
/// try DurableFile.move(downloaded, to: blobPath)           // a complete, verified file into place
/// ```
public enum DurableFile {
    /// Replaces `path` with `data`, durably: a reader sees the old bytes or the new ones, never a mix.
    ///
    /// - Throws: ``FileFailure`` naming the step that failed; the destination is then unchanged.
    public static func write(_ data: Data, to path: String) throws(FileFailure) {
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw FileFailure("create", temporary) }
        let written = data.withUnsafeBytes { bytes in writeAll(descriptor, bytes) }
        guard written else {
            let failure = FileFailure("write", temporary)
            close(descriptor)
            unlink(temporary)
            throw failure
        }
        guard fsync(descriptor) == 0 else {
            let failure = FileFailure("fsync", temporary)
            close(descriptor)
            unlink(temporary)
            throw failure
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            let failure = FileFailure("rename", path)
            unlink(temporary)
            throw failure
        }
        syncDirectory(containing: path)
    }

    /// Moves a complete file to `destination` (same file system), durably: its bytes are fsynced before the
    /// rename, and the folder after it. The destination's folder is created when missing.
    ///
    /// - Throws: ``FileFailure``; the source is then left where it was.
    public static func move(_ source: String, to destination: String) throws(FileFailure) {
        let folder = (destination as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw FileFailure("create the folder", folder)
        }
        let descriptor = open(source, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileFailure("open", source) }
        let synced = fsync(descriptor) == 0
        let failure = synced ? nil : FileFailure("fsync", source)
        close(descriptor)
        if let failure { throw failure }
        guard rename(source, destination) == 0 else { throw FileFailure("rename", destination) }
        syncDirectory(containing: destination)
    }

    /// Fsyncs the folder holding `path`, so a rename into it is on disk. Best effort: some file systems
    /// refuse to open folders for syncing.
    public static func syncDirectory(containing path: String) {
        let descriptor = open((path as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    /// Writes all of `bytes`, retrying short writes and interruptions.
    public static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var done = 0
        while done < bytes.count {
            let count = Foundation.write(descriptor, bytes.baseAddress?.advanced(by: done), bytes.count - done)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            done += count
        }
        return true
    }
}
