import Foundation
import OnSiteSync

/// What the sync engine needs from a relay: push a frozen change set, pull a page.
///
/// ``RelayClient`` speaks it over HTTPS; tests that run hundreds of schedules connect replicas to a relay
/// store in process through the same two calls.
public protocol RelayConnection: Sendable {
    func push(_ changeSet: OutgoingChangeSet, pending: Int, counters: inout WireCounters) async throws -> PushResult
    func pull(_ request: PullRequest, pending: Int, counters: inout WireCounters) async throws -> PullPage
    /// Registers this device's public key (`POST /v1/keys`).
    func registerKey(_ registration: DeviceKeyRegistration) async throws -> RegisteredDeviceKey
}

extension RelayClient: RelayConnection {}
