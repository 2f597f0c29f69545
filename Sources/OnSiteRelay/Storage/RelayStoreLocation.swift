import Foundation

/// Which store a relay runs on: the SQLite file in its data folder (the default), or a PostgreSQL database that
/// several relays may share. Read from the configuration's `store` (``RelayConfiguration/storeLocation()``).
public enum RelayStoreLocation: Sendable, Hashable, CustomStringConvertible {
    /// ``RelayStore``: `relay.sqlite` in the data folder; one relay at a time.
    case sqlite(path: String)
    /// ``PostgresRelayStore``: one database, any number of relays sharing one data folder.
    case postgresql(PostgresStoreLocation)

    /// The file, or the URL with its password hidden.
    public var description: String {
        switch self {
        case .sqlite(let path): "the SQLite store \(path)"
        case .postgresql(let location): "the PostgreSQL store \(location)"
        }
    }

    /// Whether several relays may run on this store at once (sharing one data folder).
    public var isShared: Bool {
        if case .postgresql = self { return true }
        return false
    }

    /// Reads the `store` setting, saying where it came from when it is not a usable URL.
    ///
    /// - Parameter source: where the text was read, e.g. "`store` in relay.json" or "ONSITE_RELAY_STORE".
    /// - Throws: ``RelayConfigurationError``: what is wrong with the URL, where it was read, and what to write.
    static func postgresql(_ text: String, source: String) throws(RelayConfigurationError) -> PostgresStoreLocation {
        guard PostgresStoreLocation.isPostgresURL(text) else {
            // Only the text before the first colon is shown: the rest may hold a password.
            let start = text.prefix { $0 != ":" }.prefix(20)
            throw RelayConfigurationError(
                "\(source) (\"\(start)\(start.count < text.count ? "…" : "")\") is not a PostgreSQL URL. Write postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE, or leave `store` out to keep the SQLite file in `dataDirectory`.")
        }
        do throws(RelayConfigurationError) {
            return try PostgresStoreLocation(text)
        } catch {
            throw RelayConfigurationError("\(source): \(error.description) Leave `store` out to keep the SQLite file in `dataDirectory`.")
        }
    }
}
