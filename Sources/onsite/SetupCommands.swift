import ArgumentParser
import Foundation
import OnSiteClient
import OnSiteSync

struct Init: AsyncParsableCommand, ReplicaCommand {
    static let configuration = CommandConfiguration(abstract: "Create an empty replica.")
    @OptionGroup var replica: ReplicaOptions

    func run() async throws {
        let existed = FieldClient.exists(in: replica.directory)
        let client = try FieldClient(creating: replica.directory)
        ReplicaOptions.sayTightened(client.replica.permissionsTightened)
        print(existed ? "Replica already exists in \(replica.directory.path); nothing changed." : "Created a replica in \(replica.directory.path).")
    }
}

struct Enroll: AsyncParsableCommand, ReplicaCommand {
    static let configuration = CommandConfiguration(abstract: "Connect this replica to a relay with a device token.")
    @OptionGroup var replica: ReplicaOptions
    @Option(help: "The relay's address, e.g. https://relay.dienbien.example:8443") var relay: String
    @Option(help: "The device token `onsite-relay device add` printed.") var token: String
    @Option(help: "The CA certificate to trust for this relay (PEM).") var caCert: String?
    @Flag(help: "Replace this replica's enrolment (a rotated token, a new address or CA); pending changes and photos are kept.")
    var replace = false
    @Flag(help: "With --replace: the new token is another device's; make this replica that device (only with nothing pending).")
    var move = false

    func validate() throws {
        try validating { () throws(ClientError) in try FieldClient.checkRelayAddress(relay) }
        if let caCert, !FileManager.default.isReadableFile(atPath: caCert) {
            throw ValidationError("Cannot read the CA certificate \(caCert). Ask the relay's administrator for its ca.pem.")
        }
        if move, !replace { throw ValidationError("--move goes with --replace: it confirms that the new token is another device's.") }
    }

    func run() async throws {
        let enrolment = try await replica.open().enroll(relay: relay, token: token, caCertificate: caCert, replace: replace, move: move)
        let profile = enrolment.profile
        if replace {
            let status = try await replica.open().status()
            print("Enrolment replaced: \(profile.name) (\(profile.role.rawValue)) on \(enrolment.relayURL), device \(profile.deviceId).")
            print("Kept \(status.sync.pendingOperations) pending change(s) and \(status.photos.pendingPhotos) photo(s) waiting to upload; run `onsite sync`.")
            return
        }
        print("Enrolled as \(profile.name) (\(profile.role.rawValue), units: \(profile.units.joined(separator: ", "))) on \(enrolment.relayURL).")
        print("Device \(profile.deviceId). Run `onsite sync` to fetch your reports.")
    }
}

struct Status: AsyncParsableCommand, ReplicaCommand {
    static let configuration = CommandConfiguration(abstract: "Show pending changes, the last sync and the cursor.")
    @OptionGroup var replica: ReplicaOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let current = try await replica.openForReading().status()
        if json { return try printJSON(current) }
        let status = current.sync, photos = current.photos
        print("Relay:        \(status.relayURL ?? "not enrolled")")
        if let role = status.role {
            print("Device:       \(status.deviceId ?? "?") (\(role.rawValue), units: \(status.units.joined(separator: ", ")))")
        }
        print("Reports:      \(status.reportCount)")
        print("Pending:      \(status.pendingOperations) change(s) not yet synced" + (status.pendingByReport.isEmpty ? "" : " on \(status.pendingByReport.count) report(s)"))
        print("Photos:       \(photos.pendingPhotos) photo(s) waiting to upload, \(PhotoText.bytes(photos.pendingBytes)) (\(photos.pendingBytes) bytes)"
              + (photos.failedPhotos > 0 ? "; \(photos.failedPhotos) refused by the relay (see `onsite show`)" : ""))
        print("Last sync:    \(status.lastSyncAt.map { $0.formatted(date: .numeric, time: .standard) } ?? "never")")
        print("Cursor:       \(status.cursor)")
        if status.rejections > 0 {
            print("Refused:      \(status.rejections) change(s) refused by the relay (see `onsite show`)")
        }
    }
}
