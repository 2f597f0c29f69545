import Foundation

/// Why `onsite-relay migrate --from DATA_FOLDER --to postgresql://…` did not move the store: what, where, and what to
/// do. Every refusal comes before the copy's transaction commits, so the target holds no part of the store, and the
/// SQLite store is never written.
public struct StoreImportError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable {
        case sourceMissing(folder: String)
        case notRelayStore(path: String, reason: String)
        case sourceSchema(path: String, newer: Bool)
        case relayRunning(folder: String, pid: Int32?)
        case sourceDamaged(path: String, what: String)
        case targetNotEmpty(location: String, holds: [String])
        case unreachable(location: String, reason: String)
        case copyDiffers(location: String, what: String)
    }

    private let code: Code

    /// There is no folder at `folder`.
    static func sourceMissing(_ folder: String) -> Self { Self(code: .sourceMissing(folder: folder)) }
    /// The data folder holds no relay store, or a file that is not one.
    static func notRelayStore(_ path: String, reason: String) -> Self { Self(code: .notRelayStore(path: path, reason: reason)) }
    /// The SQLite store lacks migrations this relay knows (`newer` false), or holds ones it does not (`newer` true).
    static func sourceSchema(_ path: String, newer: Bool) -> Self { Self(code: .sourceSchema(path: path, newer: newer)) }
    /// A relay serves the data folder (its lock is held).
    static func relayRunning(_ folder: String, pid: Int32?) -> Self { Self(code: .relayRunning(folder: folder, pid: pid)) }
    /// A row of the SQLite store cannot be read as the relay wrote it.
    static func sourceDamaged(_ path: String, _ what: String) -> Self { Self(code: .sourceDamaged(path: path, what: what)) }
    /// The PostgreSQL database holds a store already; `holds` says what ("3 devices", "120 log entries").
    static func targetNotEmpty(_ location: PostgresStoreLocation, holds: [String]) -> Self {
        Self(code: .targetNotEmpty(location: location.description, holds: holds))
    }
    /// The PostgreSQL server cannot be reached or refused the connection.
    static func unreachable(_ location: PostgresStoreLocation, reason: String) -> Self {
        Self(code: .unreachable(location: location.description, reason: reason))
    }
    /// The check after the copy found a difference; the transaction was rolled back.
    static func copyDiffers(_ location: PostgresStoreLocation, _ what: String) -> Self {
        Self(code: .copyDiffers(location: location.description, what: what))
    }

    public var description: String {
        switch code {
        case .sourceMissing(let folder):
            "There is no data folder at \(folder). Give --from the relay's data folder (the one holding relay.sqlite and blobs/). Nothing was changed."
        case .notRelayStore(let path, let reason):
            "\(path) is not an OnSite relay store (\(reason)). Give --from the relay's data folder (the one holding relay.sqlite). Nothing was changed."
        case .sourceSchema(let path, let newer):
            newer
                ? "The relay store \(path) was migrated by a newer onsite-relay; move it with that newer onsite-relay. Nothing was changed."
                : "The relay store \(path) was written by an older onsite-relay: start this relay on it once (`onsite-relay serve`) so it migrates its tables, stop it, then run the move again. Nothing was changed."
        case .relayRunning(let folder, let pid):
            "A relay \(pid.map { "(pid \($0)) " } ?? "")is serving \(folder); the move needs it stopped, so that no push arrives after the copy. "
                + "Stop it (e.g. `systemctl stop onsite-relay`), run the move, then start the relays on PostgreSQL. Nothing was changed."
        case .sourceDamaged(let path, let what):
            "The relay store \(path) is damaged: \(what). Run `onsite-relay audit`, restore a backup if needed, then move it again. Nothing was changed."
        case .targetNotEmpty(let location, let holds):
            "The PostgreSQL database \(location) holds an OnSite store already (\(holds.joined(separator: ", "))); a move never merges into a store in use. "
                + "Create an empty database (`createdb`) and give --to its URL. Nothing was changed."
        case .unreachable(let location, let reason):
            "Cannot connect to the PostgreSQL database \(location): \(reason). Check that the server runs, that the database exists, and the URL's user and password. Nothing was changed."
        case .copyDiffers(let location, let what):
            "The copy in \(location) differs from the SQLite store: \(what). The copy was rolled back, nothing was changed; report this as a relay bug."
        }
    }
}
