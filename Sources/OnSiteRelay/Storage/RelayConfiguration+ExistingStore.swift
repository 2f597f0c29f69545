import Foundation
import Logging

/// Opening the configured store as it stands, for a command that only reads it (`onsite-relay audit`) while the
/// relays may be running.
extension RelayConfiguration {
    /// Opens the store that exists already, with the blob folder its relays use, for the length of `body`:
    /// the SQLite file in the data folder (never created here), or the PostgreSQL database of `store`, whose
    /// migrations are not applied (they take a lock the running relays' start-up takes too, and change the schema
    /// under them); its connection pool runs meanwhile and is closed after.
    ///
    /// ```swift
    /// let report = try await configuration.withExistingStore(logger: logger) { store, blobs in
    ///     try await store.audit(relayKey: key, blobs: blobs)
    /// }
    /// ```
    /// - Throws: ``RelayConfigurationError`` for a `store` that is not a usable URL, or a data folder without
    ///   `relay.sqlite`; the store's errors (``PostgresStoreError`` when the server cannot be reached or refuses);
    ///   whatever `body` throws.
    public func withExistingStore<T: Sendable>(
        logger: Logger,
        _ body: (any RelayStorage, RelayBlobStore) async throws -> T
    ) async throws -> T {
        switch try storeLocation() {
        case .sqlite(let path):
            guard FileManager.default.fileExists(atPath: path) else {
                throw RelayConfigurationError("No relay database at \(path); pass the relay's data folder with --data.")
            }
            let store = try RelayStore(path: path)
            return try await body(store, store.blobs)
        case .postgresql(let location):
            let blobs = RelayBlobStore(directory: URL(fileURLWithPath: dataDirectory))
            let store = PostgresRelayStore(location: location, blobs: blobs, logger: logger)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await store.run() }
                defer { group.cancelAll() }
                return try await body(store, blobs)
            }
        }
    }
}
