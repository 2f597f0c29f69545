import Foundation

/// Free space on the disk holding a folder, checked before large writes so a full disk is said plainly
/// ("needs 3.2 MB, 1.0 MB free") instead of failing halfway with a database error.
public enum DiskSpace {
    /// What is kept free beyond a write for the database's commit and write-ahead log.
    public static let reserveBytes: Int64 = 16 << 20

    /// Bytes an unprivileged user may still write on the file system holding `path`; nil when it cannot be told.
    public static func available(at path: String) -> Int64? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }

    /// `bytes` as people read them: `3.2 MB`, `512 KB`.
    public static func text(_ bytes: Int64) -> String {
        bytes >= 1_000_000 ? String(format: "%.1f MB", Double(bytes) / 1e6) : "\(max(1, bytes / 1000)) KB"
    }
}
