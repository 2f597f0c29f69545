import ArgumentParser
import Foundation
import OnSiteRelay

/// `onsite-relay migrate --from DATA_FOLDER --to postgresql://…`: moves a relay's SQLite store into an empty PostgreSQL
/// database (``PostgresStoreImport``). The options of ``Migrate``, which runs the move when they are given.
struct StoreMoveOptions: ParsableArguments {
    @Option(help: "Move the SQLite store of this relay data folder (the one holding relay.sqlite and blobs/) into --to; the relay stopped.")
    var from: String?
    @Option(help: "The empty PostgreSQL database to move --from into: postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require].")
    var to: String?

    static let discussion = """
        With --from DATA_FOLDER --to postgresql://…, moves a relay's SQLite store into an empty PostgreSQL database \
        instead: everything the store holds (devices and their tokens, the log and its chain, reports, change sets, \
        uploads' references, compaction state, the relay's id and epoch) in one transaction, checked before it commits; \
        devices continue without noticing. The SQLite store is only read. Photos and the relay's signing key stay in \
        the data folder: run the relays on PostgreSQL with that same folder. Refused, changing nothing, while a relay \
        serves the folder or when the database holds OnSite data.
        """

    /// Whether the move was asked for.
    var isMove: Bool { from != nil || to != nil }

    func validate() throws {
        guard isMove else { return }
        guard let from, let to else {
            throw ValidationError("Give both --from DATA_FOLDER (the SQLite relay's data folder) and --to postgresql://… (an empty database) to move a store.")
        }
        guard !from.isEmpty else { throw ValidationError("--from is empty: give the relay's data folder.") }
        do {
            _ = try PostgresStoreLocation(to)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() async throws {
        guard let from, let to else { return }
        let summary = try await PostgresStoreImport.run(from: from, to: try PostgresStoreLocation(to), logger: commandLogger)
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
