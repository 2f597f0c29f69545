import Foundation
import OnSiteClient
import OnSiteRelay
import OnSiteSync

/// A real relay store, reached in process through the same intake and pull as the HTTP routes; it can lose
/// the answer of a push after committing it, as a dropped link would.
public struct LocalRelay: RelayConnection {
    public let store: RelayStore
    public let actor: Actor
    public let time: VirtualTime
    public let link = LinkFault()

    public init(store: RelayStore, actor: Actor, time: VirtualTime) {
        self.store = store
        self.actor = actor
        self.time = time
    }

    public func push(_ changeSet: OutgoingChangeSet, pending: Int, counters: inout WireCounters) async throws -> PushResult {
        let result: PushResult
        do {
            (_, result) = try await store.accept(changeSet.body, from: actor, limits: SyncLimits(), now: time.now)
        } catch let error as RelayError {
            // What the HTTP client makes of the relay's error body.
            throw ClientError.relayRefused(status: Int(error.status.code), code: error.detail.code, message: error.detail.message)
        }
        if link.takeLoss() {
            throw ClientError.unreachable("the link dropped before the answer arrived", pending: pending)
        }
        return result
    }

    public func registerKey(_ registration: DeviceKeyRegistration) async throws -> RegisteredDeviceKey {
        do {
            return try await store.registerKey(registration, for: actor.deviceId, at: time.now)
        } catch let error as RelayError {
            throw ClientError.relayRefused(status: Int(error.status.code), code: error.detail.code, message: error.detail.message)
        }
    }

    public func pull(_ request: PullRequest, pending: Int, counters: inout WireCounters) async throws -> PullPage {
        try await store.pull(request, for: actor, now: time.now)
    }
}
