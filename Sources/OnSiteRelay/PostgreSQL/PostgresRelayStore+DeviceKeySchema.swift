import Foundation
import Logging
import PostgresNIO

extension PostgresRelayStore {
    /// Migration `p2: device keys`: every public key a device registered, never deleted, so what an old key signed
    /// stays checkable (as ``RelayStore``'s `deviceKey`).
    @Sendable static func createDeviceKeys(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            CREATE TABLE device_key (
                key_id text PRIMARY KEY,
                device_id text NOT NULL REFERENCES device,
                public_key bytea NOT NULL UNIQUE CHECK (length(public_key) = 32),
                registered_at timestamptz NOT NULL)
            """, logger: logger)
        try await connection.query("CREATE INDEX device_key_device ON device_key (device_id)", logger: logger)
    }
}
