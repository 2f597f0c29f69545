import Foundation
import OnSiteStorage

/// Why a backup or a restore could not be made: what, where, and what to do. Nothing was changed.
public enum RelayBackupError: Error, Sendable, CustomStringConvertible {
    /// The backup file is there already: a backup never overwrites one.
    case destinationExists(String)
    /// The file to restore is missing.
    case missing(String)
    /// The file to restore is not an OnSite relay database (not SQLite, or SQLite without the relay's tables).
    case notRelayDatabase(String, reason: String)
    /// The relay serves the data folder: a restore under a running relay would be overwritten by it.
    case relayRunning(folder: String, pid: Int32?)
    /// The store has no identity row (a store not made by onsite-relay, or damaged).
    case noIdentity
    /// A file step failed.
    case file(FileFailure)

    public var description: String {
        switch self {
        case .destinationExists(let path):
            "\(path) exists already; a backup never overwrites a file. Give --to a new file name."
        case .missing(let path):
            "There is no backup file at \(path). Check the path given to --from."
        case .notRelayDatabase(let path, let reason):
            "\(path) is not an OnSite relay database (\(reason)). Nothing was changed; give --from a file written by `onsite-relay backup`."
        case .relayRunning(let folder, let pid):
            "The relay \(pid.map { "(pid \($0)) " } ?? "")is serving \(folder); a restore needs it stopped. "
                + "Stop it (e.g. `systemctl stop onsite-relay`), run the restore, then start it again. Nothing was changed."
        case .noIdentity:
            "The relay store has no identity row (table relayIdentity); it was not made by this onsite-relay or is damaged."
        case .file(let failure):
            failure.description
        }
    }
}
