import Foundation

/// Folders only their owner can read: replica and relay data hold tokens, phone numbers and keys.
///
/// New files are private through the umask (``restrictNewFiles()``, called first thing by both executables) and
/// through explicit modes where the code creates files itself; ``secure(_:)`` tightens what an older version or an
/// administrator left readable to others: folders to 0700, files to 0600.
///
/// ```swift
/// PrivateFolder.restrictNewFiles()
/// let tightened = try PrivateFolder.secure(dataDirectory)
/// if !tightened.isEmpty { logger.notice("made private: \(tightened)") }
/// ```
public enum PrivateFolder {
    /// Sets the process umask to 077: whatever it creates from now on is readable by its owner only.
    public static func restrictNewFiles() {
        umask(0o077)
    }

    /// Creates `folder` (mode 0700) when missing, then takes group and other permissions off it and everything
    /// under it: folders become 0700, files 0600. Symbolic links are left alone and not followed.
    ///
    /// - Parameter recursive: false to look at the folder and its direct entries only (cheap enough for every
    ///   command; a folder left open by an older version is walked whole).
    /// - Returns: the paths whose mode changed, in the order met (empty when all was private already).
    /// - Throws: ``FileFailure`` when the folder cannot be created or a mode cannot be changed.
    @discardableResult
    public static func secure(_ folder: String, recursive: Bool = true) throws(FileFailure) -> [String] {
        try makeFolder(folder)
        var tightened: [String] = []
        try tighten(folder, into: &tightened)
        let base = URL(fileURLWithPath: folder)
        if recursive || !tightened.isEmpty {
            let enumerator = FileManager.default.enumerator(atPath: folder)
            while let relative = enumerator?.nextObject() as? String {
                try tighten(base.appendingPathComponent(relative).path, into: &tightened)
            }
        } else {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
                try tighten(base.appendingPathComponent(name).path, into: &tightened)
            }
        }
        return tightened
    }

    /// Creates `path` and its missing parents with mode 0700; an existing folder is left as it is.
    private static func makeFolder(_ path: String) throws(FileFailure) {
        var info = stat()
        if lstat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else { throw FileFailure("use as a folder", path, code: ENOTDIR) }
            return
        }
        if mkdir(path, 0o700) == 0 || errno == EEXIST { return }
        guard errno == ENOENT else { throw FileFailure("create the folder", path) }
        let parent = (path as NSString).deletingLastPathComponent
        guard !parent.isEmpty, parent != path else { throw FileFailure("create the folder", path) }
        try makeFolder(parent)
        guard mkdir(path, 0o700) == 0 || errno == EEXIST else { throw FileFailure("create the folder", path) }
    }

    /// Whether `path` (a file or folder) is private to its owner: no group or other permission bits.
    public static func isPrivate(_ path: String) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        return info.st_mode & 0o077 == 0
    }

    private static func tighten(_ path: String, into tightened: inout [String]) throws(FileFailure) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }   // removed while walking (an upload finishing)
            throw FileFailure("inspect", path)
        }
        let type = info.st_mode & S_IFMT
        guard type == S_IFDIR || type == S_IFREG else { return }
        guard info.st_mode & 0o077 != 0 else { return }
        let mode: mode_t = type == S_IFDIR ? 0o700 : 0o600
        guard chmod(path, mode) == 0 else { throw FileFailure("change the permissions of", path) }
        tightened.append(path)
    }
}
