@testable import OnSiteRelay
import Foundation
import Testing

/// One writer per upload, the newest: the lease a request holds while it writes a chunk.
@Suite("Upload leases")
struct UploadLeaseTests {
    static let key = UploadKey(sha256: String(repeating: "a", count: 64), deviceId: "device-1")

    @Test("A newer request of the same device takes the upload over; the older one can no longer write")
    func newestWins() throws {
        let leases = UploadLeases()
        // Given: a request holding the upload (its link died silently: it never ends on its own)
        let stale = leases.take(Self.key)
        #expect(try stale.whileHeld { true })

        // When: the device's next request takes it
        let fresh = leases.take(Self.key)

        // Then: the stale request fails with upload_superseded, the fresh one writes
        #expect(throws: RelayError.self) { try stale.whileHeld { () } }
        do {
            try stale.whileHeld { () }
        } catch let error as RelayError {
            #expect(error.detail.code == .uploadSuperseded && error.status.code == 409)
        }
        #expect(try fresh.whileHeld { true })

        // And: the stale request ending does not free the fresh one's lease
        leases.release(stale)
        #expect(leases.isHeld(Self.key))
        leases.release(fresh)
        #expect(!leases.isHeld(Self.key))
    }

    @Test("Uploads of the same blob by two devices never share a lease (nor a file)")
    func perDevice() throws {
        let leases = UploadLeases()
        let other = UploadKey(sha256: Self.key.sha256, deviceId: "device-2")
        let first = leases.take(Self.key)
        _ = leases.take(other)
        #expect(try first.whileHeld { true }, "another device's request does not supersede this one")
        #expect(Self.key.fileName != other.fileName)
        #expect(Self.key.fileName.hasPrefix(Self.key.sha256 + ".") && Self.key.fileName.count == 64 + 1 + 32)
        let hostile = UploadKey(sha256: Self.key.sha256, deviceId: "../../etc/passwd")
        #expect(!hostile.fileName.contains("/"), "a device id never reaches a path")
    }
}
