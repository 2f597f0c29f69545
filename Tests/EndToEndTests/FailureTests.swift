import Foundation
import OnSiteRelayProcess
import OnSiteClient
import OnSiteSync
import Testing

/// Bad input and bad links: each gets a clear message and changes nothing.
@Suite("End to end: failures", .serialized)
struct FailureTests {
    @Test("A wrong token is refused with a clear message and leaves the replica unenrolled")
    func wrongToken() async throws {
        let relay = try RelayProcess()
        try relay.start()
        let device = FieldDevice(name: "x", in: relay.folder)
        try device.onsite("init")
        let result = try device.onsite("enroll", "--relay", relay.url, "--token", "ost_not-a-real-token", "--ca-cert", relay.caCertificate.path)
        #expect(result.status == 77)
        #expect(result.error.contains("invalid_token"))
        #expect(result.error.contains("not known to this relay"))
        #expect(try await device.status().relayURL == nil)
        #expect(!FileManager.default.fileExists(atPath: device.folder.appendingPathComponent("relay-ca.pem").path))
    }

    @Test("An unreachable relay: the sync fails with exit code 75 and every change is kept")
    func unreachableRelay() async throws {
        let (relay, hub) = try Seeded.relay()
        try #require(try hub.onsite("note", "DB-2024-00105", "Kiểm tra lại hiện trường").status == 0)
        relay.stop(kill: true)
        let result = try hub.onsite("sync")
        #expect(result.status == 75)
        #expect(result.error.contains("Cannot reach the relay"))
        #expect(result.error.contains("Your 1 change is kept"))
        #expect(try await hub.status().pendingOperations == 1)
        try relay.start()
        try hub.sync()
        #expect(try await hub.status().pendingOperations == 0)
    }

    @Test("A malformed or invalid change set gets a 4xx with a code and a sentence, and changes nothing",
          arguments: [
            ("{\"changeSetId\": 12}", 400, "malformed_body"),
            ("not json at all", 400, "malformed_body"),
          ])
    func malformedChangeSet(body: String, status: Int, code: String) async throws {
        let (relay, hub) = try Seeded.relay()
        let replica = try Replica(directory: hub.folder)
        let before = try await replica.status().cursor
        let transport = HTTPTransport(configuration: TransportConfiguration(caCertificatePath: relay.caCertificate.path))
        let token = try await #require(replica.enrolment()).token
        let response = try await transport.send(HTTPRequest(
            method: .post, url: relay.url + "/v1/changesets",
            headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")], body: .data(Data(body.utf8))))
        #expect(response.status == status)
        let error = try WireCoding.decode(ErrorBody.self, from: response.body)
        #expect(error.error.code == ErrorCode(rawValue: code))
        #expect(!error.error.message.isEmpty)
        let health = try await transport.send(HTTPRequest(url: relay.url + "/healthz"))
        #expect(String(decoding: health.body, as: UTF8.self).contains("\"serverVersion\":\(before)"))
    }

    @Test("An invalid operation is refused whole with 422 and the relay's version does not move")
    func invalidOperation() async throws {
        let (relay, hub) = try Seeded.relay()
        let replica = try Replica(directory: hub.folder)
        let enrolment = try #require(try await replica.enrolment())
        let before = try await replica.status().cursor
        let bad = ChangeSet(deviceId: enrolment.profile.deviceId, sequence: 99, baseVersion: before, operations: [
            SyncOperation(reportId: "db-2024-0101", stamp: HybridTimestamp(wallMillis: 1, counter: 0, device: enrolment.profile.deviceId),
                          change: .setField(.location, .point(.init(latitude: 123, longitude: 500)))),
        ])
        let client = RelayClient(baseURL: relay.url, token: enrolment.token, caCertificatePath: relay.caCertificate.path)
        var counters = WireCounters()
        do {
            _ = try await client.push(OutgoingChangeSet(id: bad.id, body: try WireCoding.encode(bad), operationCount: 1), pending: 1, counters: &counters)
            Issue.record("an invalid change set was accepted")
        } catch let error as ClientError {
            #expect(error.relayCode == .invalidValue)
            #expect(error.description.contains("latitude"))
        }
        let page = try await client.pull(PullRequest(since: before, limit: 10), pending: 0, counters: &counters)
        #expect(page.changes.isEmpty && page.serverVersion == before)
    }

    @Test("A revoked device is told so clearly and keeps its unsynced work")
    func revokedDevice() async throws {
        let (relay, _) = try Seeded.relay()
        let lan = try Seeded.officer("lan", on: relay)
        try #require(try lan.onsite("note", "DB-2024-00101", "Ghi chú trước khi bị thu hồi").status == 0)
        let deviceId = try #require(try await lan.status().deviceId)
        try #require(try run(Binaries.relay, ["device", "revoke", "--config", relay.config.path, deviceId]).status == 0)
        let result = try lan.onsite("sync")
        #expect(result.status == 77)
        #expect(result.error.contains("device_revoked"))
        #expect(result.error.contains("unsynced work is kept"))
        #expect(try await lan.status().pendingOperations == 1)
    }
}
