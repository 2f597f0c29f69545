import ArgumentParser
import OnSiteRelay

extension RelayConfiguration {
    /// The SQLite store's file, for the commands that work on that file itself (backup, restore,
    /// `compact --through`); a configuration on a PostgreSQL store is refused, saying what to use instead, rather
    /// than the command quietly working on a `relay.sqlite` the relays do not use.
    ///
    /// - Throws: `ValidationError` naming the command and the PostgreSQL store.
    func sqliteStorePath(for command: String, instead: String) throws -> String {
        switch try storeLocation() {
        case .sqlite(let path):
            return path
        case .postgresql(let location):
            throw ValidationError("`onsite-relay \(command)` works on the SQLite store, but this relay's store is the PostgreSQL database \(location). \(instead)")
        }
    }
}
