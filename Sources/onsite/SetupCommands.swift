import ArgumentParser
import Foundation
import OnSiteClient
import OnSiteSync

struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create an empty replica.")
    @OptionGroup var replica: ReplicaOptions

    func run() async throws {
        let existed = Replica.exists(in: replica.directory)
        _ = try Replica(directory: replica.directory)
        print(existed ? "Replica already exists in \(replica.directory.path); nothing changed." : "Created a replica in \(replica.directory.path).")
    }
}

struct Enroll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Connect this replica to a relay with a device token.")
    @OptionGroup var replica: ReplicaOptions
    @Option(help: "The relay's address, e.g. https://relay.dienbien.example:8443") var relay: String
    @Option(help: "The device token `onsite-relay device add` printed.") var token: String
    @Option(help: "The CA certificate to trust for this relay (PEM).") var caCert: String?

    func validate() throws {
        guard let url = URL(string: relay), let scheme = url.scheme, ["https", "http"].contains(scheme), url.host != nil else {
            throw ValidationError("--relay must be an https:// address, e.g. https://127.0.0.1:8443 (got \"\(relay)\").")
        }
        if scheme == "http", !["127.0.0.1", "localhost", "::1"].contains(url.host ?? "") {
            throw ValidationError("Plain http:// is only for a relay on this machine; use https:// for \(url.host ?? relay).")
        }
        if let caCert, !FileManager.default.isReadableFile(atPath: caCert) {
            throw ValidationError("Cannot read the CA certificate \(caCert). Ask the relay's administrator for its ca.pem.")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let store = try replica.open()
            if let existing = try await store.enrolment() { throw ClientError.alreadyEnrolled(existing.relayURL) }
            var pinned: String?
            if let caCert {
                let destination = replica.directory.appendingPathComponent("relay-ca.pem")
                let pem = try Data(contentsOf: URL(fileURLWithPath: caCert))
                try pem.write(to: destination, options: .atomic)
                pinned = destination.path
            }
            let client = RelayClient(baseURL: relay, token: token, caCertificatePath: pinned)
            var counters = WireCounters()
            let profile: DeviceProfile
            do {
                profile = try await client.profile(counters: &counters)
            } catch {
                if let pinned { try? FileManager.default.removeItem(atPath: pinned) }
                throw error
            }
            guard profile.protocolVersion == SyncProtocol.version else {
                throw ClientError.protocolMismatch(got: profile.protocolVersion, want: SyncProtocol.version)
            }
            try await store.enroll(Enrolment(relayURL: client.baseURL, token: token, caCertificatePath: pinned, profile: profile))
            print("Enrolled as \(profile.name) (\(profile.role.rawValue), units: \(profile.units.joined(separator: ", "))) on \(client.baseURL).")
            print("Device \(profile.deviceId). Run `onsite sync` to fetch your reports.")
        }
    }
}

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show pending changes, the last sync and the cursor.")
    @OptionGroup var replica: ReplicaOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await reportingErrors {
            let store = try replica.open()
            let status = try await store.status()
            let photos = try await store.photoQueueStatus()
            if json { return try printJSON(StatusWithPhotos(status: status, photos: photos)) }
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
}


/// `onsite status --json`: the sync status with the photo queue.
struct StatusWithPhotos: Encodable {
    var status: SyncStatus
    var photos: PhotoQueueStatus

    func encode(to encoder: any Encoder) throws {
        try status.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(photos, forKey: .photos)
    }

    private enum Keys: String, CodingKey { case photos }
}
