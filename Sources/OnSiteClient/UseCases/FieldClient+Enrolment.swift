import Foundation
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
    /// - Throws: ``ClientError`` when already enrolled, the relay refuses or cannot be reached, or speaks
    ///   another protocol version; file errors when the CA cannot be read or copied.
    @discardableResult
    public func enroll(
        relay: String, token: String, caCertificate: String?,
        askRelay: @Sendable (RelayClient) async throws -> DeviceProfile = { client in
            var counters = WireCounters()
            return try await client.profile(counters: &counters)
        }
    ) async throws -> Enrolment {
        try Self.checkRelayAddress(relay)
        if let existing = try await replica.enrolment() { throw ClientError.alreadyEnrolled(existing.relayURL) }
        var pinned: String?
        if let caCertificate {
            let destination = replica.directory.appendingPathComponent("relay-ca.pem")
            let pem = try Data(contentsOf: URL(fileURLWithPath: caCertificate))
            try pem.write(to: destination, options: .atomic)
            pinned = destination.path
        }
        do {
            let client = RelayClient(baseURL: relay, token: token, caCertificatePath: pinned)
            let profile = try await askRelay(client)
            guard profile.protocolVersion == SyncProtocol.version else {
                throw ClientError.protocolMismatch(got: profile.protocolVersion, want: SyncProtocol.version)
            }
            let enrolment = Enrolment(relayURL: client.baseURL, token: token, caCertificatePath: pinned, profile: profile)
            try await replica.enroll(enrolment)
            return enrolment
        } catch {
            if let pinned { try? FileManager.default.removeItem(atPath: pinned) }
            throw error
        }
    }
}
