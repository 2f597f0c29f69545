import Foundation
import OnSiteCrypto

/// Names one device's upload of one blob: uploads are per (blob, device), so a device that announces a wrong
/// length or leaves an upload half done never blocks another device's upload of the same blob.
public struct UploadKey: Hashable, Sendable {
    public var sha256: String
    public var deviceId: String

    public init(sha256: String, deviceId: String) {
        self.sha256 = sha256
        self.deviceId = deviceId
    }

    /// `<sha256>.<32 hex digits of SHA-256(deviceId)>`: a fixed-length file name whatever the device id holds.
    var fileName: String { sha256 + "." + SHA256.hash(Data(deviceId.utf8)).hex.prefix(32) }
}

/// The right to write one upload, held by one request at a time.
///
/// A newer request of the same device revokes the older one's lease (see ``UploadLeases/take(_:claim:)``). Every
/// write, cut and commit of a chunk runs in ``whileHeld(_:)``, under the lease's lock, so once `revoke()`
/// returns the older request cannot touch the upload's file again: it fails with `upload_superseded`. With a
/// ``UploadClaim``, a newer request in another relay on the same data folder supersedes it the same way.
final class UploadLease: @unchecked Sendable {
    // @unchecked: `isRevoked` is only read and written under `lock`; `key` and `claim` are immutable.
    let key: UploadKey
    private let claim: UploadClaim?
    private let lock = NSLock()
    private var isRevoked = false

    init(key: UploadKey, claim: UploadClaim? = nil) {
        self.key = key
        self.claim = claim
    }

    /// Waits for the write in progress (if any), then makes every later ``whileHeld(_:)`` fail.
    func revoke() { lock.withLock { isRevoked = true } }

    /// Runs `body` while the lease is still held (in this relay, and in the data folder when it has a claim).
    ///
    /// - Throws: `upload_superseded` when a newer request took the upload; whatever `body` throws.
    func whileHeld<T>(_ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        guard !isRevoked else { throw UploadError.superseded }
        guard let claim else { return try body() }
        return try claim.whileCurrent(body)
    }
}

/// The leases of the uploads being written right now.
final class UploadLeases: @unchecked Sendable {
    // @unchecked: `current` is only touched under `lock`.
    private let lock = NSLock()
    private var current: [UploadKey: UploadLease] = [:]

    /// A new lease on `key`; the previous holder (a request whose link died silently, say) is revoked.
    /// `claim`, taken already, makes the lease hold across the processes that share the data folder too.
    func take(_ key: UploadKey, claim: UploadClaim? = nil) -> UploadLease {
        let lease = UploadLease(key: key, claim: claim)
        let previous = lock.withLock {
            defer { current[key] = lease }
            return current[key]
        }
        previous?.revoke()
        return lease
    }

    /// Whether some request holds a lease on `key`.
    func isHeld(_ key: UploadKey) -> Bool { lock.withLock { current[key] != nil } }

    /// Ends `lease` unless a newer one replaced it.
    func release(_ lease: UploadLease) {
        lock.withLock {
            if current[lease.key] === lease { current[lease.key] = nil }
        }
    }
}
