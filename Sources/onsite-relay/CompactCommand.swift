import ArgumentParser
import Foundation
import OnSiteCrypto
import OnSiteRelay

/// `onsite-relay compact`: folds old log entries into the records now, as the running relay does periodically.
struct Compact: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fold log entries older than the retention window (`log` in the configuration) into the records.",
        discussion: """
            Devices whose cursor falls behind what is kept receive a snapshot of their scope on their next pull; \
            nothing an accepted write contributed is lost. Safe while the relay runs.
            """)

    @OptionGroup var options: ConfigurationOptions
    @Option(help: "Fold every entry up to this version instead of what the retention window says.") var through: Int64?

    func run() async throws {
        let configuration = try options.load()
        if let problem = configuration.log.problem { throw ValidationError(problem + ".") }
        var store = try RelayStore(path: try configuration.sqliteStorePath(
            for: "compact", instead: "The relays on it fold the log themselves (one at a time) every `log.compactEveryMinutes`."))
        // The boundary's checkpoint is signed with the relay's key when the data folder has it.
        store.checkpointKey = try Ed25519PrivateKey.load(at: configuration.relayKeyPath)
        let summary: CompactionSummary
        if let through {
            guard through >= 0 else { throw ValidationError("--through must be a version, 0 or more.") }
            summary = try await store.compact(through: through)
        } else {
            summary = try await store.compact(configuration.log)
        }
        let newest = try await store.serverVersion()
        print("compacted \(summary.entriesRemoved) log entr\(summary.entriesRemoved == 1 ? "y" : "ies"); the log now keeps versions \(summary.compactedThrough + 1)…\(newest)")
    }
}
