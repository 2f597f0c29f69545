import Foundation
import Logging

extension RelayServer {
    /// Opens the store the configuration names (`store`: the SQLite file in the data directory, or a PostgreSQL
    /// database, migrated now), with the relay's key from the data directory, and builds the relay on it.
    ///
    /// ```swift
    /// let server = try await RelayServer.open(configuration: configuration, logger: logger)
    /// try await server.makeApplication().runService()
    /// ```
    /// Relays on one PostgreSQL database share the data directory: its blobs, uploads and key (made by whichever
    /// starts first). A PostgreSQL store's connection pool runs as a service of ``makeApplication(onRunning:)``.
    ///
    /// - Throws: ``RelayConfigurationError`` for an unusable configuration; ``PostgresStoreError`` when the database
    ///   cannot be reached or migrated (a schema from a newer relay is refused, unchanged).
    public static func open(configuration: RelayConfiguration, logger: Logger, now: Date = Date()) async throws -> RelayServer {
        try configuration.validate()
        switch try configuration.storeLocation() {
        case .sqlite:
            return try RelayServer(configuration: configuration, logger: logger, now: now)
        case .postgresql(let location):
            let (store, blobs) = try await configuration.migratedPostgresStore(at: location, signing: true, logger: logger)
            logger.notice("onsite-relay runs on a PostgreSQL store", metadata: ["relay.store": .string(location.description)])
            return try RelayServer(configuration: configuration, storage: store, blobs: blobs, logger: logger, now: now)
        }
    }
}
