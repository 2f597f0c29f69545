import Foundation
import Logging
import OnSiteCrypto
import PostgresNIO
import ServiceLifecycle

/// The relay's store on a PostgreSQL database, which several `onsite-relay serve` processes may share.
///
/// A pool of connections (postgres-nio's `PostgresClient`) that must run while the store is used: run it as a
/// service of the relay's service group (``run()``), or scoped with ``withStore(at:logger:_:)``. Its schema has a
/// migration list of its own (``PostgresMigrations``), applied by ``migrate()``.
///
/// It implements the storage seam facet by facet (``RelayDeviceStorage``, ``RelayDeviceKeyStorage``, ``RelayIdentityStorage`` so far): each
/// facet whole, and tested against a real server with the same tests as ``RelayStore``.
public struct PostgresRelayStore: Sendable, Service {
    public let location: PostgresStoreLocation
    let client: PostgresClient
    let logger: Logger
    /// The relay's own Ed25519 key, which signs log checkpoints (`Protocol/evidence.md`); nil leaves them unsigned.
    public var checkpointKey: Ed25519PrivateKey?

    /// A store on `location`; nothing is connected before ``run()`` runs.
    public init(location: PostgresStoreLocation, logger: Logger = Logger(label: "onsite.relay.postgres")) {
        self.location = location
        self.logger = logger
        self.client = PostgresClient(configuration: location.clientConfiguration(), backgroundLogger: logger)
    }

    /// Runs the connection pool until the task is cancelled or the service group shuts down.
    public func run() async throws {
        await client.run()
    }

    /// Opens the store at `location`, applies its migrations, and hands it to `body`; the pool is closed after.
    public static func withStore<T: Sendable>(at location: PostgresStoreLocation, logger: Logger = Logger(label: "onsite.relay.postgres"),
                                              _ body: (PostgresRelayStore) async throws -> T) async throws -> T {
        let store = PostgresRelayStore(location: location, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            defer { group.cancelAll() }
            try await store.migrate()
            return try await body(store)
        }
    }

    /// Applies the migrations this relay knows and the database lacks, in one transaction.
    public func migrate() async throws {
        try await PostgresMigrations.migrate(self)
    }

    // MARK: Running statements

    /// Runs `body` on one connection, turning the server's and the connection's failures into ``PostgresStoreError``
    /// that say what was being done.
    func withConnection<T: Sendable>(_ action: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { connection in try await body(connection) }
        } catch {
            throw PostgresStoreError.reporting(error, while: action, at: location)
        }
    }

    /// Runs `body` in one transaction (committed when it returns, rolled back when it throws).
    func withTransaction<T: Sendable>(_ action: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch {
            throw PostgresStoreError.reporting(error, while: action, at: location)
        }
    }
}
