import ArgumentParser
import Foundation
import OnSiteRelay

/// `onsite-relay migrate`: brings the configured store's schema up to this relay's version, and exits.
///
/// The relay migrates at start-up as well; this command lets an operator do it on its own: before starting several
/// relays of a new version on one PostgreSQL database, or to see what a new version changes.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply the store's schema migrations and exit (the SQLite file in the data folder, or the PostgreSQL database of `store`).",
        discussion: """
            The store is the one `serve` would use: `store` in the configuration file or ONSITE_RELAY_STORE (a \
            postgresql:// URL), else relay.sqlite in the data folder. Migrations already applied are skipped; a store \
            migrated by a newer onsite-relay is refused and left unchanged. Safe while relays run.

            """ + StoreMoveOptions.discussion)

    @OptionGroup var options: ConfigurationOptions

    @OptionGroup var move: StoreMoveOptions

    func run() async throws {
        if move.isMove {
            try await move.run()
            return
        }
        let configuration = try options.load()
        let location = try configuration.storeLocation()
        let applied = try await configuration.migrateStore(logger: commandLogger)
        switch applied {
        case nil:
            print("Migrated \(location): it has every migration this onsite-relay knows.")
        case let names? where names.isEmpty:
            print("No migration to apply: \(location) is up to date.")
        case let names?:
            print("Applied \(names.count) migration\(names.count == 1 ? "" : "s") to \(location): \(names.joined(separator: ", ")).")
        }
    }
}
