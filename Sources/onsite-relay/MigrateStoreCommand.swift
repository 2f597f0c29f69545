import ArgumentParser
import Foundation
import OnSiteRelay

/// `onsite-relay migrate-store --from DATA_FOLDER --to postgresql://…`: moves a relay's SQLite store into an empty
/// PostgreSQL database (``PostgresStoreImport``).
struct MigrateStore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-store",
        abstract: "Move a relay's SQLite store into an empty PostgreSQL database (the relay stopped).",
        discussion: """
            Copies everything the store holds (devices and their tokens, the log and its chain, reports, change sets, \
            uploads' references, compaction state, the relay's id and epoch) in one transaction, checks the copy, and \
            prints what it did; devices continue without noticing. The SQLite store is only read. Blobs and the relay's \
            signing key stay in the data folder: run the relays on PostgreSQL with that same data folder (shared by all \
            of them). Refused, changing nothing, while a relay serves the folder or when the database holds OnSite data.
            """)

    @Option(help: "The relay's data folder (the one holding relay.sqlite and blobs/).") var from: String
    @Option(help: "The empty PostgreSQL database: postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require].")
    var to: String

    func validate() throws {
        do {
            _ = try PostgresStoreLocation(to)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() async throws {
        let summary = try await PostgresStoreImport.run(from: from, to: try PostgresStoreLocation(to))
        print("Moved the relay store \(summary.storePath) into \(summary.target) in one transaction, and checked the copy.")
        print("The relay is still \(summary.identity): devices continue without noticing.")
        print("Log chain head: version \(summary.chainHead.version), hash \(summary.chainHead.hash), equal on both stores.")
        if summary.compactedThrough > 0 {
            print("The log was compacted through version \(summary.compactedThrough); devices behind it get snapshots, as before.")
        }
        print("Rows copied: " + summary.tables.map { "\($0.table) \($0.rows)" }.joined(separator: ", ") + " (equal counts on both stores).")
        let folder = (summary.storePath as NSString).deletingLastPathComponent
        print("Photos (blobs/) and the relay's signing key stay in \(folder): start the relays with this database as their store "
              + "and this same data folder. \(summary.storePath) was not changed; keep it until the relays run well.")
    }
}
