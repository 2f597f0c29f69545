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
            is one. Works on the configured store (relay.sqlite in the data folder, or the PostgreSQL database of \
            `store`, with the data folder's blobs and relay-signing.key). Reads only, in one snapshot; safe while \
            the relays run. See Protocol/evidence.md.
            """)

    @OptionGroup var options: ConfigurationOptions
    @Option(help: "Print at most this many breaks.") var limit = 20

    func run() async throws {
        let configuration = try options.load()
        if case .sqlite(let path) = try configuration.storeLocation(), !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("No relay database at \(path); pass the relay's data folder with --data.")
        }
        let relayKey = try Ed25519PrivateKey.load(at: configuration.relayKeyPath)?.publicKey
        let report = try await configuration.withExistingStore(logger: commandLogger) { store, blobs in
            try await store.audit(relayKey: relayKey, blobs: blobs)
        }
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
