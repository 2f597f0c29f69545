import Foundation
@testable import OnSiteRelay
import Synchronization
import Testing

/// The bound on a store call's wait for a connection, without a server: `begin()` is where the call says it holds
/// its connection.
@Suite("Waiting for a connection")
struct ConnectionWaitTests {
    @Test("a call that began in time finishes however long it then takes")
    func aStartedCallIsNeverCut() async throws {
        let value = try await ConnectionWait(limit: .milliseconds(100)).run { claim in
            try claim.begin()
            try await Task.sleep(for: .milliseconds(400))
            return 42
        }
        #expect(value == 42)
    }

    @Test("a call still waiting at the bound is cancelled and fails with Expired; a connection arriving after that is handed back unused")
    func aWaitingCallExpires() async throws {
        let ranStatements = Atomic(false)
        let began = Atomic(false)
        let started = ContinuousClock.now
        await #expect(throws: ConnectionWait.Expired.self) {
            try await ConnectionWait(limit: .milliseconds(100)).run { claim in
                // A pool that takes 1 s to hand over a connection, ignoring cancellation, as a connect attempt may.
                try? await Task.sleep(for: .seconds(1))
                began.store(true, ordering: .relaxed)
                try claim.begin()
                ranStatements.store(true, ordering: .relaxed)
                return 0
            }
        }
        let (didBegin, didRun) = (began.load(ordering: .relaxed), ranStatements.load(ordering: .relaxed))
        #expect(didBegin)
        #expect(!didRun)
        #expect(ContinuousClock.now - started >= .milliseconds(100))
    }

    @Test("the message names the bound in seconds or milliseconds")
    func message() {
        #expect(ConnectionWait.Expired(limit: .seconds(10)).description == "no connection to the server within 10 s")
        #expect(ConnectionWait.Expired(limit: .milliseconds(300)).description == "no connection to the server within 300 ms")
    }
}
