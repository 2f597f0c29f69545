import Foundation
import Logging
import OnSiteCore
@testable import OnSiteRelay
import OnSiteSync
import PostgresNIO
import Testing

/// A group of pushes on PostgreSQL whose transaction the server aborts part-way (a database restarting, a disk
/// full, a trigger an operator added): every change set of the group fails, none is stored, and each device's
/// resend of the same change set is then applied once.
@Suite("PostgreSQL pushes: a batch the server aborts")
struct PostgresPushFailureTests {
    typealias Sync = RelaySyncStorageTests

    static func note(_ actor: Actor, _ sequence: Int64, _ text: String) -> PostgresPushBatcher.Pending {
        PostgresPushBatcher.Pending(changeSet: Sync.changeSet(actor, sequence, [(.addNote(Note(author: actor.deviceId, at: Sync.now, text: text)), "r1")]),
                                    actor: actor, limits: SyncLimits(), date: Sync.now)
    }

    @Test("a statement the server refuses mid-batch fails the whole batch and stores nothing; the devices' resends are applied once")
    func aServerFailureFailsTheBatchAndTheResendsApply() async throws {
        let location = try await PostgresTestCluster.freshDatabase()
        let logger = Logger(label: "test.postgres")
        try await PostgresRelayStore.withStore(at: location, blobs: PostgresTestCluster.noBlobs, logger: logger) { store in
            try await Sync.enrol(store)
            _ = try await Sync.push(store, Sync.changeSet(Sync.hub, 1, [(.createReport(Sync.report("r1")), "r1")]), by: Sync.hub)
            // The server refuses the second change set's row, after the first change set's statements ran.
            try await store.withConnection("add a failing trigger") { connection in
                try await connection.query("""
                    CREATE FUNCTION refuse_sequence_99() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN IF NEW.sequence = 99 THEN RAISE EXCEPTION 'disk full (test)'; END IF; RETURN NEW; END $$
                    """, logger: logger)
                try await connection.query("CREATE TRIGGER refuse_99 BEFORE INSERT ON change_set FOR EACH ROW EXECUTE FUNCTION refuse_sequence_99()", logger: logger)
            }
            let batch = [Self.note(Sync.officer, 1, "Một"), Self.note(Sync.otherWard, 99, "Hai"), Self.note(Sync.hub, 2, "Ba")]
            let results = await store.apply(batch)
            #expect(results.count == 3)
            for result in results {
                guard case .failure(let error) = result else {
                    Issue.record("a change set of the aborted batch was answered as stored")
                    continue
                }
                let storeError = try #require(error as? PostgresStoreError, "\(error)")
                #expect(!storeError.isUnavailable)
                #expect(storeError.description.contains("disk full (test)"))
            }
            #expect(try await store.serverVersion() == 1)
            let untouched = try #require(try await Sync.pull(store, since: 0, as: Sync.hub).snapshots.first)
            #expect(untouched.notes.isEmpty)

            try await store.withConnection("drop the trigger") { connection in
                try await connection.query("DROP TRIGGER refuse_99 ON change_set", logger: logger)
            }
            let officer = try await Sync.push(store, batch[0].changeSet, by: Sync.officer)
            let hub = try await Sync.push(store, batch[2].changeSet, by: Sync.hub)
            #expect(officer.results.map(\.outcome) == [.applied] && hub.results.map(\.outcome) == [.applied])
            #expect(officer.replayed != true && hub.replayed != true)
            let record = try #require(try await Sync.pull(store, since: 0, as: Sync.hub).snapshots.first)
            #expect(record.notes.map(\.text).sorted() == ["Ba", "Một"])
            #expect(try await store.serverVersion() == 3)
        }
    }
}
