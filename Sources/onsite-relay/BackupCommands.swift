import ArgumentParser
import Foundation
import OnSiteRelay

/// `onsite-relay backup --to FILE`: an online, consistent copy of the store and its blobs.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the relay store to a new file, consistently, while the relay runs; its blobs go to FILE.blobs.",
        discussion: """
            The database is copied with SQLite's backup API as of one commit; pushes go on meanwhile. The photos it \
            refers to are copied into FILE.blobs/ (content-addressed, they never change). Restore with \
            `onsite-relay restore --from FILE` (relay stopped).
            """)

    @OptionGroup var options: ConfigurationOptions
    @Option(help: "The new backup file (refused if it exists).") var to: String

    func run() async throws {
        let configuration = try options.load()
        let storePath = try configuration.sqliteStorePath(for: "backup", instead: "Back up the database with PostgreSQL's own tools (pg_dump, or the server's continuous archiving) and the data folder's blobs/ and relay-signing.key with the file system's.")
        let summary = try RelayBackup.write(storePath: storePath, dataDirectory: configuration.dataDirectory, to: to)
        print("Backed up the relay store at version \(summary.serverVersion) (relay \(summary.identity)) with \(summary.deviceCount) device(s) to \(summary.path).")
        if summary.blobsCopied > 0 {
            print("Copied \(summary.blobsCopied) photo(s), \(summary.blobBytes) bytes, to \(summary.blobFolder); keep that folder with the file.")
        } else {
            print("The store refers to no photo the relay holds: there is no photo folder to keep.")
        }
        if !summary.blobsMissing.isEmpty {
            print("\(summary.blobsMissing.count) blob(s) referred to are not on the relay yet (uploads not finished); their devices send them again after a restore: \(summary.blobsMissing.prefix(5).joined(separator: ", "))\(summary.blobsMissing.count > 5 ? ", …" : "")")
        }
    }
}

/// `onsite-relay restore --from FILE`: puts a backup in place, in a new epoch; refused while the relay runs.
struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Put a backup made by `onsite-relay backup` in place of the relay store (the relay must be stopped).",
        discussion: """
            The restored store starts a new epoch: at their next sync devices notice it, send again what they sent \
            since the backup (kept in their sent journal), and pull their scope afresh. The replaced store is kept as \
            relay.sqlite.before-restore-<time>. Devices enrolled after the backup are unknown to the restored store \
            and are listed: enrol them again.
            """)

    @OptionGroup var options: ConfigurationOptions
    @Option(help: "The backup file (written by `onsite-relay backup`).") var from: String
    @Flag(help: "Keep the devices of the store being replaced: devices enrolled since the backup keep working, and revocations and token rotations made since stay in force.")
    var keepDevices = false

    func run() async throws {
        let configuration = try options.load()
        let storePath = try configuration.sqliteStorePath(
            for: "restore", instead: "Restore the database with PostgreSQL's own tools (pg_restore), with every relay on it stopped.")
        let summary = try RelayRestore.restore(
            from: from, storePath: storePath, dataDirectory: configuration.dataDirectory,
            lockFileName: RelayDataFolder.lockFileName, keepDevices: keepDevices)
        print("Restored \(from) at version \(summary.serverVersion)"
              + (summary.previousServerVersion.map { " (the replaced store was at version \($0))" } ?? "")
              + "; the relay is now \(summary.identity): devices notice the restore at their next sync and send again what the backup lacks.")
        if summary.blobsCopied > 0 { print("Copied \(summary.blobsCopied) blob(s) from the backup into \(configuration.dataDirectory)/blobs.") }
        if let kept = summary.keptPrevious { print("The replaced store is kept as \(kept); delete it once the relay runs well.") }
        if keepDevices {
            print("The devices of the replaced store were kept, with their tokens, revocations and rotations.")
        } else if summary.devicesLost.isEmpty {
            print("Every device of the replaced store is known to the backup.")
        } else {
            let undo = summary.keptPrevious.map { "move \($0) (and its -wal) back to relay.sqlite and run the restore again with --keep-devices" }
                ?? "run the restore again with --keep-devices"
            print("\(summary.devicesLost.count) device(s) were enrolled after the backup and are unknown to the restored relay: "
                  + summary.devicesLost.joined(separator: ", ") + ". To keep them (and any revocation or token rotation made since), "
                  + undo + "; otherwise give each a new token (`onsite-relay device add`) and a new replica.")
        }
    }
}
