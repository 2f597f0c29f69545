import Foundation
import OnSiteCore
import OnSiteCrypto
import OnSiteSync

/// The relay's storage, as the controllers, services and commands speak to it: the domain's operations, never a
/// database's. Two stores implement it: ``RelayStore`` (one SQLite file, the default) and
/// ``PostgresRelayStore`` (several relays on one PostgreSQL database, sharing one blob folder).
///
/// The storage is split in facets so that each caller asks only for what it uses (the authenticator needs devices,
/// the sync routes need push and pull).
/// Errors are domain errors (``RelayError`` with its stable ``ErrorCode``); the store does not speak HTTP.
public typealias RelayStorage = RelayDeviceStorage & RelayDeviceKeyStorage & RelayIdentityStorage & RelaySyncStorage
    & RelayBlobReferenceStorage & RelayHubStorage & RelayCompactionStorage & RelayEvidenceStorage & RelayWebStorage
    & RelayMetricsStorage

/// Enrolled devices, their tokens and when they were last seen.
public protocol RelayDeviceStorage: Sendable {
    /// Stores a new device with the hash of its token.
    func addDevice(_ device: DeviceRecord) async throws
    /// The device a token hash belongs to, revoked or not.
    func device(tokenHash: String) async throws -> DeviceRecord?
    /// Every device, oldest enrolment first.
    func devices() async throws -> [DeviceRecord]
    /// Revokes a device; returns false when no such device exists.
    func revokeDevice(id: String, at date: Date) async throws -> Bool
    /// Gives a device a new token hash and retires the old one; nil when there is no such device.
    /// - Throws: ``RelayError`` `device_revoked` when the device is revoked.
    func rotateToken(of deviceId: String, newTokenHash: String, at date: Date) async throws -> DeviceRecord?
    /// The device and date a retired token belonged to, when `tokenHash` is one.
    func retiredToken(_ tokenHash: String) async throws -> (device: DeviceRecord, retiredAt: Date)?
    /// Records that a device made an authenticated request at `date`.
    func noteSeen(_ deviceId: String, at date: Date) async throws
    /// When each device was last seen (devices never seen are absent).
    func lastSeen() async throws -> [String: Date]
    /// Devices not revoked that made a request since `date`.
    func activeDeviceCount(since date: Date) async throws -> Int
    /// The newest cursor a pull has handed the device (0 before its first pull).
    func servedVersion(of deviceId: String) async throws -> Int64
}

/// The store's identity (id and epoch, `GET /v1/me`) and the newest version of its log.
public protocol RelayIdentityStorage: Sendable {
    /// The store's id and epoch.
    func identity() async throws -> RelayIdentity
    /// The newest version in the log (0 when empty).
    func serverVersion() async throws -> Int64
    /// The id, epoch and newest version, read together.
    func identityAndVersion() async throws -> (RelayIdentity, Int64)
}

/// The devices' Ed25519 public keys, which check their operations' signatures (`Protocol/evidence.md`).
public protocol RelayDeviceKeyStorage: Sendable {
    /// Registers a device's Ed25519 public key; registering the same key again returns the stored entry.
    /// - Throws: ``RelayError`` `invalid_key` when the key is malformed, another device's, or one too many.
    func registerKey(_ registration: DeviceKeyRegistration, for deviceId: String, at date: Date) async throws -> RegisteredDeviceKey
    /// Every registered device key, oldest first.
    func deviceKeys() async throws -> [DeviceKeyEntry]
}

/// Push, pull and the log chain: `Protocol/sync.md` and `Protocol/evidence.md`.
public protocol RelaySyncStorage: Sendable {
    /// Applies a validated change set durably, or returns the stored result of an earlier push of it.
    func push(_ changeSet: ChangeSet, from actor: Actor, limits: SyncLimits, at date: Date) async throws -> PushResult
    /// One page of `changes since` for the device, redacted for its role; records the cursor it hands out.
    func pull(_ request: PullRequest, for actor: Actor, now: Date, maxPageBytes: Int) async throws -> PullPage
    /// The same page as ``pull(_:for:now:maxPageBytes:)``, with its entries as the stored operation bytes, for
    /// the route to splice into its answer (``ServedPullPage``, ``ServedOperation``).
    func servedPull(_ request: PullRequest, for actor: Actor, now: Date, maxPageBytes: Int) async throws -> ServedPullPage
    /// How many conflicts a pushed change set recorded.
    func conflictsRecorded(by result: PushResult) async throws -> Int
    /// The log chain's newest version and hash.
    func chainHead() async throws -> ChainHead
}

/// Which reports reference a blob and who uploaded it: the access rules of `Protocol/uploads.md`.
public protocol RelayBlobReferenceStorage: Sendable {
    /// What the actor may see of a blob: the attachments referencing it in its scope, and whether it may read it.
    func blobAccess(_ sha256: String, for actor: Actor) async throws -> BlobAccess
    /// Appends `blob_available` for the attachments of a pushed change set whose bytes the relay holds already.
    func appendBlobAvailable(forAttachmentsIn changeSet: ChangeSet, result: PushResult) async throws
    /// Records a whole upload by a device and appends `blob_available` where due; returns the versions appended.
    func blobUploaded(_ sha256: String, by deviceId: String, byteCount: Int64, at date: Date) async throws -> [Int64]
    /// Appends `blob_available` for every attachment of the blob that lacks it (heals a crash between a blob's
    /// publication and its append); returns the versions appended.
    func appendBlobAvailable(_ sha256: String, at date: Date) async throws -> [Int64]
}

/// The hub's reads (exports, Open311).
public protocol RelayHubStorage: Sendable {
    /// One page of the reports a hub query selects in the actor's scope, by offset.
    func hubPage(_ query: HubQuery, for actor: Actor, offset: Int, limit: Int) async throws -> [ReportRecord]
    /// The next batch of reports a hub query selects, after a report id (for streaming exports).
    func hubBatch(_ query: HubQuery, for actor: Actor, after: String?, limit: Int) async throws -> [ReportRecord]
}

/// Log retention: folding old log entries into the records (`Protocol/sync.md`, "Log retention").
public protocol RelayCompactionStorage: Sendable {
    /// The newest version folded out of the log (0 before any compaction).
    func compactedThrough() async throws -> Int64
    /// The version a compaction under `retention` would fold through now.
    func compactionHorizon(_ retention: LogRetention, now: Date) async throws -> Int64
    /// Folds the log through the retention's horizon.
    func compact(_ retention: LogRetention, now: Date) async throws -> CompactionSummary
    /// The log entries after `version`, oldest first, at most `limit`.
    func logEntries(after version: Int64, limit: Int) async throws -> [LogEntry]
}

/// The proofs `onsite evidence export` bundles (`Protocol/evidence.md`, "Evidence proofs"), and the audit of the
/// whole store (`onsite-relay audit`).
public protocol RelayEvidenceStorage: Sendable {
    /// The signed operations that added a report's evidence, each with the chain hash before it and the relay's
    /// checkpoint at it.
    /// - Throws: ``RelayError`` `out_of_scope` when the report does not exist or the actor may not see it.
    func evidenceProof(of reportId: String, for actor: Actor) async throws -> EvidenceProof
    /// Checks, in one snapshot, the log chain from its first retained entry, every checkpoint (its signature
    /// against `relayKey` when given) and device signature, each report's stored verifications and photo records
    /// against the signed operations that added them, and (with `blobs`) each stored photo's bytes (``LogAudit``).
    /// Reads only: safe while relays run.
    func audit(relayKey: Ed25519PublicKey?, blobs: RelayBlobStore?) async throws -> AuditReport
}

/// The supervisors' web pages: the stored reports of a scope, which the pages decode, redact and keep
/// (``WebScopeCache``).
public protocol RelayWebStorage: Sendable {
    /// The server version and the stored records, read together: with `changedAfter` nil, every report in the
    /// actor's units; with a version, every report changed after it, in scope or not (a report that left the
    /// scope must leave the page too).
    func scopeReports(for actor: Actor, changedAfter version: Int64?) async throws -> (serverVersion: Int64, records: [ReportRecord])
}

/// Figures for `/metrics` the store alone knows.
public protocol RelayMetricsStorage: Sendable {
    /// The bytes the store takes on disk (the SQLite file and its log; the PostgreSQL database's size).
    func databaseBytes() async throws -> Int64
}

extension RelayStore: RelayDeviceStorage, RelayDeviceKeyStorage, RelayIdentityStorage, RelaySyncStorage, RelayBlobReferenceStorage, RelayHubStorage,
    RelayCompactionStorage, RelayEvidenceStorage, RelayWebStorage, RelayMetricsStorage {}
