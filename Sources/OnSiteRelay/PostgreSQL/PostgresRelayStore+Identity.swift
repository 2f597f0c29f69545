import Foundation
import OnSiteSync
import PostgresNIO

/// The store's id and epoch (`relay_identity`, one row) and the newest version of its log (`log_head`, one row).
extension PostgresRelayStore: RelayIdentityStorage {
    public func identity() async throws -> RelayIdentity {
        try await identityAndVersion().0
    }

    public func serverVersion() async throws -> Int64 {
        try await identityAndVersion().1
    }

    /// Read in one statement, so one snapshot.
    public func identityAndVersion() async throws -> (RelayIdentity, Int64) {
        let found = try await withConnection("read the relay's identity") { connection -> IdentityAndVersion? in
            let rows = try await connection.query("""
                SELECT relay_identity.relay_id, relay_identity.epoch, log_head.version
                FROM relay_identity CROSS JOIN log_head WHERE relay_identity.singleton = 1 AND log_head.singleton = 1
                """, logger: logger)
            var found: IdentityAndVersion?
            for try await (relayId, epoch, version) in rows.decode((String, Int64, Int64).self) {
                found = IdentityAndVersion(identity: RelayIdentity(relayId: relayId, epoch: epoch), version: version)
            }
            return found
        }
        guard let found else {
            throw PostgresStoreError.corrupt("the table relay_identity or log_head has no row", at: location)
        }
        return (found.identity, found.version)
    }
}

private struct IdentityAndVersion: Sendable {
    let identity: RelayIdentity
    let version: Int64
}
