import Foundation
import OnSiteStorage
import OnSiteSync

extension FieldClient {
    /// Checks a relay address as a person gives it: `https://`, or plain `http://` only on this machine.
    ///
    /// - Throws: ``ClientError/invalidInput(_:)`` saying what to give instead.
    public static func checkRelayAddress(_ relay: String) throws(ClientError) {
        guard let url = URL(string: relay), let scheme = url.scheme, ["https", "http"].contains(scheme), url.host != nil else {
            throw .invalidInput("--relay must be an https:// address, e.g. https://127.0.0.1:8443 (got \"\(relay)\").")
        }
        if scheme == "http", !["127.0.0.1", "localhost", "::1"].contains(url.host ?? "") {
            throw .invalidInput("Plain http:// is only for a relay on this machine; use https:// for \(url.host ?? relay).")
        }
    }

    /// Connects this replica to a relay with a device token: pins the CA in the replica folder, asks the relay
    /// who the token belongs to, checks the protocol version and records the enrolment.
    ///
    /// Nothing is left behind when it fails: the pinned CA copy is removed and the replica stays unenrolled.
    ///
    /// - Parameters:
    ///   - caCertificate: the PEM file to trust for this relay; copied to `relay-ca.pem` in the replica folder.
    ///   - askRelay: how to reach `/v1/me` (tests answer in process); by default the relay client's ``RelayClient/profile(counters:)``.
    /// - Returns: the enrolment recorded.
    /// With `replace`, an enrolled replica takes the new token, address or CA and keeps its pending work
    /// (``Replica/replaceEnrolment(with:moving:)``); a token of another device needs `move` as well. The old
    /// pinned CA stays in place until the relay has answered through the new one.
    ///
    /// - Throws: ``ClientError`` when already enrolled (without `replace`), the relay refuses or cannot be
    ///   reached, or speaks another protocol version; file errors when the CA cannot be read or copied.
    @discardableResult
    public func enroll(
        relay: String, token: String, caCertificate: String?, replace: Bool = false, move: Bool = false,
        askRelay: @Sendable (RelayClient) async throws -> DeviceProfile = { client in
            var counters = WireCounters()
            return try await client.profile(counters: &counters)
        }
    ) async throws -> Enrolment {
        try Self.checkRelayAddress(relay)
        let existing = try await replica.enrolment()
        if let existing, !replace { throw ClientError.alreadyEnrolled(existing.relayURL) }
        // A replacement CA goes beside the pinned one and takes its place only once the relay answered through it.
        let pinnedName = existing == nil ? "relay-ca.pem" : "relay-ca.new.pem"
        var pinned: String?
        if let caCertificate {
            let destination = replica.directory.appendingPathComponent(pinnedName)
            let pem = try Data(contentsOf: URL(fileURLWithPath: caCertificate))
            try pem.write(to: destination, options: .atomic)
            pinned = destination.path
        } else if let existing, URL(string: relay)?.scheme == "https" {
            pinned = existing.caCertificatePath
        }
        do {
            let client = RelayClient(baseURL: relay, token: token, caCertificatePath: pinned)
            let profile = try await askRelay(client)
            guard profile.protocolVersion == SyncProtocol.version else {
                throw ClientError.protocolMismatch(got: profile.protocolVersion, want: SyncProtocol.version)
            }
            guard existing != nil else {
                let enrolment = Enrolment(relayURL: client.baseURL, token: token, caCertificatePath: pinned, profile: profile)
                try await replica.enroll(enrolment)
                // The device's signing key is made now; the first sync registers it (`Protocol/evidence.md`).
                _ = try await replica.currentDeviceKey()
                return enrolment
            }
            var kept = pinned
            if caCertificate != nil, let fresh = pinned {
                let finalPath = replica.directory.appendingPathComponent("relay-ca.pem").path
                kept = finalPath
                let enrolment = Enrolment(relayURL: client.baseURL, token: token, caCertificatePath: finalPath, profile: profile)
                try await replica.replaceEnrolment(with: enrolment, moving: move)
                guard rename(fresh, finalPath) == 0 else { throw FileFailure("rename", finalPath) }
                return enrolment
            }
            let enrolment = Enrolment(relayURL: client.baseURL, token: token, caCertificatePath: kept, profile: profile)
            try await replica.replaceEnrolment(with: enrolment, moving: move)
            return enrolment
        } catch {
            if caCertificate != nil, let pinned { try? FileManager.default.removeItem(atPath: pinned) }
            throw error
        }
    }
}
