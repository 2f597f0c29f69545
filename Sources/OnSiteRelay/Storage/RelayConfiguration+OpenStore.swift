import Foundation
import GRDB
import Logging
import OnSiteCrypto
import OnSiteStorage

/// Opening the configured store (``RelayConfiguration/storeLocation()``) for a command's work
/// (`onsite-relay device …`), and applying its migrations on their own (`onsite-relay migrate`).
extension RelayConfiguration {
    /// Opens the store, migrated, for the length of `body`; a PostgreSQL store's connection pool runs meanwhile and
    /// is closed after.
    ///
    /// ```swift
    /// let devices = try await configuration.withStore(logger: logger) { try await $0.devices() }
    /// ```
    /// - Throws: ``RelayConfigurationError`` for a `store` that is not a usable URL; the store's errors
    ///   (``PostgresStoreError`` when the server cannot be reached or refuses); whatever `body` throws.
    public func withStore<T: Sendable>(
        logger: Logger,
        _ body: (any RelayStorage) async throws -> T
    ) async throws -> T {
        switch try storeLocation() {
        case .sqlite(let path):
            try FileManager.default.createDirectory(
                atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            return try await body(RelayStore(path: path))
        case .postgresql(let location):
            let blobs = RelayBlobStore(directory: URL(fileURLWithPath: dataDirectory))
            return try await PostgresRelayStore.withStore(at: location, blobs: blobs, logger: logger) { store in try await body(store) }
        }
    }

    /// The PostgreSQL store at `location` as a relay uses it, migrated: its blobs in the data directory (which the
    /// relays on one database share) and, with `signing`, the relay's checkpoint key from there (made by whichever
    /// relay starts first). Its connection pool is not running yet.
    public func migratedPostgresStore(at location: PostgresStoreLocation, signing: Bool, logger: Logger) async throws
        -> (store: PostgresRelayStore, blobs: RelayBlobStore)
    {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let blobs = RelayBlobStore(directory: URL(fileURLWithPath: dataDirectory))
        var store = PostgresRelayStore(location: location, blobs: blobs, logger: logger)
        try await store.migrate()
        if signing { store.checkpointKey = try Ed25519PrivateKey.loadOrCreate(at: relayKeyPath) }
        return (store, blobs)
    }

    /// Applies the migrations this relay knows and the store lacks, and nothing else.
    ///
    /// - Returns: the names of the migrations applied now, oldest first, when the store can tell (the SQLite
    ///   store); nil for the PostgreSQL store, whose migrations are logged as they are applied.
    /// - Throws: the store's errors; a store migrated by a newer relay is refused, unchanged.
    public func migrateStore(logger: Logger) async throws -> [String]? {
        switch try storeLocation() {
        case .sqlite(let path):
            try FileManager.default.createDirectory(
                atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            try DurableDatabase.createPrivately(path)
            let pool = try DurableDatabase.pool(path: path, configuration: RelayStore.configuration)
            let before = Set(try await pool.read { db in try RelayStore.migrator.appliedIdentifiers(db) })
            _ = try RelayStore(writer: pool)
            let after = try await pool.read { db in try RelayStore.migrator.appliedMigrations(db) }
            return after.filter { !before.contains($0) }
        case .postgresql(let location):
            _ = try await migratedPostgresStore(at: location, signing: false, logger: logger)
            return nil
        }
    }
}
