import Foundation
import OnSiteRelayProcess
import OnSiteClient
import OnSiteSync

/// A field device: a replica folder driven through the real `onsite` executable.
struct FieldDevice {
    let folder: URL

    init(name: String, in parent: URL) {
        folder = parent.appendingPathComponent("replica-\(name)")
    }

    /// Runs `onsite <arguments> --replica <folder>`.
    @discardableResult
    func onsite(_ arguments: String...) throws -> CommandResult {
        try run(Binaries.client, arguments + ["--replica", folder.path])
    }

    /// `init` then `enroll`, failing the test on error.
    func enroll(with relay: RelayProcess, token: String) throws {
        try onsite("init")
        let result = try onsite("enroll", "--relay", relay.url, "--token", token, "--ca-cert", relay.caCertificate.path)
        guard result.status == 0 else { throw E2EError("enroll failed: \(result.combined)") }
    }

    /// `sync`, failing the test on error.
    func sync() throws {
        let result = try onsite("sync")
        guard result.status == 0 else { throw E2EError("sync failed: \(result.combined)") }
    }

    /// The merged records of this replica, read through the library.
    func records() async throws -> [ReportRecord] {
        try await Replica(directory: folder).allRecords()
    }

    func status() async throws -> SyncStatus {
        try await Replica(directory: folder).status()
    }
}

/// The sample reports shipped in Samples/reports.json.
var sampleReportsFile: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples/reports.json").path
}
