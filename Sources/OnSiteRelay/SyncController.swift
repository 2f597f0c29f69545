import Foundation
import Hummingbird
import NIOCore
import OnSiteCore
import OnSiteSync

/// `/v1/me`, `/v1/changesets` and `/v1/changes`: enrolment check, push and pull.
struct SyncController: Sendable {
    let store: any RelaySyncStorage & RelayBlobReferenceStorage & RelayDeviceKeyStorage & RelayIdentityStorage
    let limits: SyncLimits
    let pageSize: Int
    /// Operations, conflicts and pull entries counted for `/metrics`.
    var metrics: RelayMetrics?

    func addRoutes(to group: RouterGroup<RelayRequestContext>) {
        group.get("me", use: me)
        group.post("changesets", use: push)
        group.get("changes", use: pull)
        group.post("keys", use: registerKey)
    }

    @Sendable func me(_ request: Request, context: RelayRequestContext) async throws -> Response {
        let device = try context.requireDevice()
        let (identity, version) = try await store.identityAndVersion()
        let profile = DeviceProfile(
            deviceId: device.id, name: device.name, role: device.role,
            units: device.units.sorted(), serverVersion: version,
            serverTimeMillis: WireDate.millis(Date()), relay: identity)
        return try JSONResponse.make(profile)
    }

    @Sendable func push(_ request: Request, context: RelayRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let body = try await ContentEncoding.body(of: request, limit: limits.maxChangeSetBytes)
        let (valid, result) = try await store.accept(body, from: actor, limits: limits)
        context.logger.info("change set", metadata: [
            "sync.changeSet": .string(valid.id.uuidString), "sync.operations": .stringConvertible(valid.operations.count),
            "sync.replayed": .stringConvertible(result.replayed), "sync.version": .stringConvertible(result.serverVersion),
        ])
        if let metrics, !result.replayed {
            metrics.recordOperations(Dictionary(grouping: result.results, by: \.outcome.rawValue).mapValues(\.count))
            metrics.recordConflicts(try await store.conflictsRecorded(by: result))
        }
        return try ContentEncoding.json(result, for: request)
    }

    /// `POST /v1/keys`: the device registers its Ed25519 public key (`Protocol/evidence.md`).
    @Sendable func registerKey(_ request: Request, context: RelayRequestContext) async throws -> Response {
        let device = try context.requireDevice()
        let body = try await ContentEncoding.body(of: request, limit: 1_024)
        let registration: DeviceKeyRegistration
        do {
            registration = try WireCoding.decode(DeviceKeyRegistration.self, from: body)
        } catch {
            throw RelayError.invalidBody(error)
        }
        let registered = try await store.registerKey(registration, for: device.id, at: Date())
        context.logger.info("device key", metadata: ["relay.device": .string(device.id), "relay.key": .string(registered.keyId)])
        return try JSONResponse.make(registered)
    }

    @Sendable func pull(_ request: Request, context: RelayRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let query = request.uri.queryParameters
        var since: Int64 = 0
        if let text = query.get("since") {
            guard let value = Int64(text), value >= 0 else { throw RelayError.badQuery("since", "must be a version, 0 or more") }
            since = value
        }
        var limit = pageSize
        if let text = query.get("limit") {
            guard let value = Int(text), (1...5_000).contains(value) else { throw RelayError.badQuery("limit", "must be between 1 and 5000") }
            limit = value
        }
        var snapshot: SnapshotPosition?
        if let text = query.get("snapshot") {
            guard let version = Int64(text), version >= 0 else {
                throw RelayError.badQuery("snapshot", "must be the version of the snapshot in progress (`snapshot.version` of the previous page)")
            }
            let after = query.get("after")
            if let after, !SnapshotPosition.isReportIdentifier(after, limits: limits) {
                throw RelayError.badQuery("after", "must be a report id (`snapshot.after` of the previous page)")
            }
            snapshot = SnapshotPosition(version: version, after: after, isComplete: false)
        } else if query.get("after") != nil {
            throw RelayError.badQuery("after", "is only read with `snapshot`, to continue a snapshot")
        }
        let asked = PullRequest(since: since, limit: limit, snapshot: snapshot)
        let page = try await store.servedPull(asked, for: actor, now: Date(), maxPageBytes: limits.maxPageBytes)
        metrics?.recordPullEntries(page.changes.count)
        return ContentEncoding.json(encoded: try page.encoded(), for: request)
    }
}
