import Foundation
import OnSiteRelayProcess
import Testing

/// Each class of failure exits with its own code (README, "Exit codes"): 75 only when a retry may work as is.
@Suite("End to end: exit codes", .serialized)
struct ExitCodeTests {
    @Test("Wrong pinned CA: 78, says the certificate is not signed by the pinned CA, and that a retry will not help")
    func untrustedRelay() async throws {
        let relay = try RelayProcess()
        let token = try relay.addDevice(role: "officer", name: "Lan", units: ["phuong-muong-thanh"])
        try relay.start()
        let other = relay.folder.appendingPathComponent("other-ca")
        try #require(try run(Binaries.relay, ["cert", "--self-signed", "--host", "127.0.0.1", "--out", other.path]).status == 0)
        let device = FieldDevice(name: "x", in: relay.folder)
        try device.onsite("init")
        let result = try device.onsite("enroll", "--relay", relay.url, "--token", token, "--ca-cert", other.appendingPathComponent("ca.pem").path)
        #expect(result.status == 78, "\(result.combined)")
        #expect(result.error.contains("not signed by the CA you pinned") && result.error.contains("retrying will not help"), "\(result.combined)")
        #expect(try await device.status().relayURL == nil)
    }

    @Test("A plain http:// address for a TLS relay: 79, says to use https://")
    func plainHTTPToTLS() async throws {
        let relay = try RelayProcess()
        let token = try relay.addDevice(role: "officer", name: "Lan", units: ["phuong-muong-thanh"])
        try relay.start()
        let device = FieldDevice(name: "x", in: relay.folder)
        try device.onsite("init")
        let result = try device.onsite("enroll", "--relay", "http://127.0.0.1:\(relay.port)", "--token", token)
        #expect(result.status == 79, "\(result.combined)")
        #expect(result.error.contains("https://"), "\(result.combined)")
        #expect(try await device.status().relayURL == nil)
    }

    @Test("An unknown token (401) and a revoked device (403): 77, with the relay's code")
    func notPermitted() async throws {
        let (relay, _) = try Seeded.relay()
        let stranger = FieldDevice(name: "stranger", in: relay.folder)
        try stranger.onsite("init")
        let unknown = try stranger.onsite("enroll", "--relay", relay.url, "--token", "ost_not-a-real-token", "--ca-cert", relay.caCertificate.path)
        #expect(unknown.status == 77 && unknown.error.contains("invalid_token"), "\(unknown.combined)")

        let lan = try Seeded.officer("lan", on: relay)
        let deviceId = try #require(try await lan.status().deviceId)
        try #require(try run(Binaries.relay, ["device", "revoke", "--config", relay.config.path, deviceId]).status == 0)
        let revoked = try lan.onsite("sync")
        #expect(revoked.status == 77 && revoked.error.contains("device_revoked"), "\(revoked.combined)")
    }

    @Test("Bad input: 64, like ArgumentParser's own usage errors")
    func badInput() throws {
        let (relay, _) = try Seeded.relay()
        let lan = try Seeded.officer("lan", on: relay)
        let unknownReport = try lan.onsite("note", "DB-9999", "x")
        #expect(unknownReport.status == 64 && unknownReport.error.contains("No report DB-9999"), "\(unknownReport.combined)")
        let usage = try lan.onsite("note")
        #expect(usage.status == 64, "\(usage.combined)")
        let noReplica = try run(Binaries.client, ["status", "--replica", relay.folder.appendingPathComponent("missing").path])
        #expect(noReplica.status == 64 && noReplica.error.contains("No replica in"), "\(noReplica.combined)")
    }
    // An unreachable relay (75, everything kept, delivered once it is back): FailureTests.unreachableRelay.
}
