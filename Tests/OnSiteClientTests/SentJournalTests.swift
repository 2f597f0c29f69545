import Foundation
import OnSiteClient
import OnSiteClientTesting
import OnSiteSync
import Testing

/// The sent journal (replica migration `v5: sent journal`) and the decision that the relay lost history.
@Suite("Sent journal and relay identity")
struct SentJournalTests {
    static let day: Int64 = 86_400_000

    @Test("an acknowledged change set stays in the sent journal, byte for byte, for the retention, and is pruned after it")
    func prunedAfterRetention() async throws {
        // Given Lan, synced, with a note delivered
        let bench = try FieldBench()
        defer { bench.remove() }
        let (_, lan, _) = try await bench.twoOfficers()
        let replica = lan.client.replica
        #expect(try await replica.sentJournal().isEmpty, "nothing was sent yet")
        _ = try await lan.client.addNote("Ghi chú ngày đầu", to: "DB-2024-00101")
        let frozen = try #require(try await replica.nextChangeSet(limit: 100))
        try await lan.sync()
        let first = try await replica.sentJournal()
        #expect(first.map(\.id) == [frozen.id])
        #expect(first.first?.body == frozen.body && first.first?.operationCount == 1)

        // When 29 days pass and another note goes: both are kept
        bench.time.advance(by: 29 * Self.day)
        _ = try await lan.client.addNote("Ghi chú ngày 29", to: "DB-2024-00101")
        try await lan.sync()
        #expect(try await replica.sentJournal().count == 2)

        // Then two days later (31 days after the first), the first is past the retention and gone
        bench.time.advance(by: 2 * Self.day)
        _ = try await lan.client.addNote("Ghi chú ngày 31", to: "DB-2024-00101")
        try await lan.sync()
        let kept = try await replica.sentJournal()
        #expect(kept.count == 2)
        #expect(!kept.contains { $0.id == frozen.id })
    }

    static let relay = RelayIdentity(relayId: "3f0c", epoch: 1)

    @Test("the relay lost history when its id or epoch changed, or its newest version is behind the cursor", arguments: [
        (relay as RelayIdentity?, relay as RelayIdentity?, Int64(120), Int64(100), "none"),
        (relay, RelayIdentity(relayId: "3f0c", epoch: 2), 120, 100, "restored"),
        // A restore that already overtook the versions devices saw is still a new epoch.
        (relay, RelayIdentity(relayId: "3f0c", epoch: 2), 5_000, 100, "restored"),
        (relay, RelayIdentity(relayId: "9a1b", epoch: 1), 120, 100, "otherStore"),
        // A copy put back by hand keeps id and epoch: caught only while it is behind the cursor.
        (relay, relay, 99, 100, "behindCursor"),
        (nil, relay, 99, 100, "behindCursor"),
        (nil, relay, 100, 100, "none"),
        (relay, nil, 100, 100, "none"),
    ])
    func cause(recorded: RelayIdentity?, current: RelayIdentity?, serverVersion: Int64, cursor: Int64, expected: String) {
        let cause = RelayRecovery.detect(recorded: recorded, current: current, serverVersion: serverVersion, cursor: cursor)
        let name = switch cause {
        case nil: "none"
        case .restored?: "restored"
        case .otherStore?: "otherStore"
        case .behindCursor?: "behindCursor"
        }
        #expect(name == expected)
    }

    @Test("the sentence says what happened and what was sent again")
    func sentence() {
        var recovery = RelayRecovery(cause: .restored(was: Self.relay, now: RelayIdentity(relayId: "3f0c", epoch: 2)))
        recovery.changeSetsResent = 3
        recovery.operationsResent = 5
        recovery.operationsRecovered = 2
        recovery.photosRequeued = 1
        #expect(recovery.sentence == "The relay was restored from a backup (epoch 1 → 2) and had lost recent changes. This device sent again "
                + "the 5 change(s) it sent in the last 30 days (2 were missing and are back on the relay), checks its 1 photo(s) there, "
                + "and fetched its reports afresh.")
    }
}
