import ArgumentParser
import Foundation
import OnSiteCrypto
import OnSiteRelay

/// `onsite-relay audit`: checks the log chain, every signature, checkpoint, evidence record and photo blob.
struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the log's hash chain, device signatures, checkpoints, evidence records and photo bytes.",
        discussion: """
            Prints what was checked and every break, first one first (version, report, field), and exits 1 if there \
            is one. Reads only; safe while the relay runs. See Protocol/evidence.md.
            """)

    @OptionGroup var options: ConfigurationOptions
    @Option(help: "Print at most this many breaks.") var limit = 20

    func run() async throws {
        let configuration = try options.load()
        let storePath = try configuration.sqliteStorePath(
            for: "audit", instead: "Its audit is not built yet; `onsite evidence check` on a device checks the proofs the relay serves.")
        guard FileManager.default.fileExists(atPath: storePath) else {
            throw ValidationError("No relay database at \(storePath); pass the relay's data folder with --data.")
        }
        let store = try RelayStore(path: storePath)
        let relayKey = try Ed25519PrivateKey.load(at: configuration.relayKeyPath)?.publicKey
        let report = try await store.audit(relayKey: relayKey, blobs: store.blobs)
        print("log entries: \(report.entriesChecked) (chain checked), checkpoints: \(report.checkpointsChecked)\(relayKey == nil ? " (no relay key in the data folder: signatures not checked)" : "")")
        print("device signatures: \(report.signaturesChecked) checked, \(report.unsignedOperations) unsigned operation(s) of devices without a key")
        print("evidence records: \(report.recordsChecked) checked against their signed operation, \(report.recordsBeyondLog) beyond the compacted log; photo blobs: \(report.blobsChecked)")
        guard let first = report.breaks.first else {
            print("intact: no break")
            return
        }
        print("FIRST BREAK: \(first.message)")
        for found in report.breaks.dropFirst().prefix(max(0, limit - 1)) {
            print("break: \(found.message)")
        }
        if report.breaks.count > limit { print("… and \(report.breaks.count - limit) more") }
        throw ExitCode(1)
    }
}
