import Foundation
import Logging
import OnSiteStorage

/// The relay's claim on its data folder for the life of the process: the folder made private, then locked so a
/// second relay on the same folder refuses to start (two relays on one SQLite database would hand out versions
/// twice). Relays on a PostgreSQL store share their data folder (blobs and key): they lock it shared, so none of
/// them can start while a relay on the folder's SQLite store runs, and the other way round.
///
/// ```swift
/// let folder = try RelayDataFolder.claim(configuration, logger: logger)
/// try await app.runService()
/// withExtendedLifetime(folder) {}
/// ```
public struct RelayDataFolder: Sendable {
    /// The lock file's name inside the data folder.
    public static let lockFileName = "relay.lock"

    /// Held until the last copy of this value goes.
    public let lock: DataFolderLock

    /// Makes the data folder private (0700, files 0600, and the TLS private key 0600), saying what it tightened,
    /// then takes the folder's lock.
    ///
    /// - Throws: ``DataFolderLockError`` when another relay holds the folder (naming its pid) or relays on a
    ///   PostgreSQL store share it; ``RelayConfigurationError`` for a `store` that is not a URL; ``FileFailure``
    ///   when the folder cannot be created or its permissions changed.
    public static func claim(_ configuration: RelayConfiguration, logger: Logger) throws -> RelayDataFolder {
        var tightened = try PrivateFolder.secure(configuration.dataDirectory)
        if let key = configuration.tls?.privateKey, FileManager.default.fileExists(atPath: key), !PrivateFolder.isPrivate(key) {
            guard chmod(key, 0o600) == 0 else { throw FileFailure("change the permissions of", key) }
            tightened.append(key)
        }
        let mode: DataFolderLock.Mode = try configuration.storeLocation().isShared ? .shared : .exclusive
        let lock = try DataFolderLock(folder: configuration.dataDirectory, fileName: lockFileName, mode: mode)
        if !tightened.isEmpty {
            logger.notice("made files private to the relay's user (folders 0700, files 0600); they were readable by others", metadata: [
                "relay.tightened": .array(tightened.prefix(20).map { .string($0) }),
                "relay.tightenedCount": .stringConvertible(tightened.count),
            ])
        }
        return RelayDataFolder(lock: lock)
    }
}
