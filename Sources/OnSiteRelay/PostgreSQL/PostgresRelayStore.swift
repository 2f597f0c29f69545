import Foundation
import Logging
import OnSiteCrypto
import PostgresNIO
import ServiceLifecycle

/// The relay's store on a PostgreSQL database, which several `onsite-relay serve` processes may share.
///
/// A pool of connections (postgres-nio's `PostgresClient`) that must run while the store is used: run it as a
/// service of the relay's service group (``run()``), or scoped with ``withStore(at:blobs:checkpointKey:logger:_:)``. Its schema has a
/// migration list of its own (``PostgresMigrations``), applied by ``migrate()``.
///
/// It implements the whole storage seam (``RelayStorage``), tested against a real server with the same tests as
/// ``RelayStore``. The database holds everything but the blobs: relays on one database share one data folder,
/// whose `blobs/` the blob access rules read (``blobs``).
public struct PostgresRelayStore: Sendable, Service {
    public let location: PostgresStoreLocation
    /// The blob folder the relays on this database share (`dataDirectory/blobs`, `dataDirectory/uploads`): a blob
    /// becomes available only when its bytes are there.
    public let blobs: RelayBlobStore
    let client: PostgresClient
    /// This relay's pushes, grouped into shared transactions (one per batch of waiting change sets). Copies of a
    /// store share it, and a batch runs with the copy that started it: set ``checkpointKey`` before the first push.
    let pushBatcher = PostgresPushBatcher()
    /// The reports this relay last wrote, decoded (its pushes read them back without decoding; another relay's
    /// writes leave other bytes, which are decoded).
    let recordCache = DecodedRecordCache()
    let logger: Logger
    /// The relay's own Ed25519 key, which signs log checkpoints (`Protocol/evidence.md`); nil leaves them unsigned.
    public var checkpointKey: Ed25519PrivateKey?
    /// How long a store call waits for a pooled connection before it answers `store_unavailable`
    /// (``ConnectionWait``): a device waits this long, not the pool's minute, when the server is gone.
    public var connectionWaitLimit: Duration = .seconds(10)

    /// A store on `location` whose blobs live in `blobs`; nothing is connected before ``run()`` runs.
    public init(location: PostgresStoreLocation, blobs: RelayBlobStore, logger: Logger = Logger(label: "onsite.relay.postgres")) {
        self.location = location
        self.blobs = blobs
        self.logger = logger
        self.client = PostgresClient(configuration: location.clientConfiguration(), backgroundLogger: logger)
    }

    /// Runs the connection pool until the task is cancelled or the service group shuts down.
    public func run() async throws {
        await client.run()
    }

    /// Opens the store at `location` (its blobs in `blobs`, signing checkpoints with `checkpointKey`), applies its
    /// migrations, and hands it to `body`; the pool is closed after.
    public static func withStore<T: Sendable>(at location: PostgresStoreLocation, blobs: RelayBlobStore, checkpointKey: Ed25519PrivateKey? = nil,
                                              logger: Logger = Logger(label: "onsite.relay.postgres"),
                                              _ body: (PostgresRelayStore) async throws -> T) async throws -> T {
        var configured = PostgresRelayStore(location: location, blobs: blobs, logger: logger)
        configured.checkpointKey = checkpointKey
        let store = configured
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            defer { group.cancelAll() }
            try await store.migrate()
            return try await body(store)
        }
    }

    /// Applies the migrations this relay knows and the database lacks, in one transaction.
    public func migrate() async throws {
        try await PostgresMigrations.migrate(at: location, logger: logger)
    }

    /// Applies the migrations this relay knows and the database at `location` lacks, in one transaction, without
    /// opening a store (`onsite-relay migrate`, an import): no pool, no blob folder.
    public static func migrate(at location: PostgresStoreLocation, logger: Logger = Logger(label: "onsite.relay.postgres")) async throws {
        try await PostgresMigrations.migrate(at: location, logger: logger)
    }

    // MARK: Running statements

    /// Runs `body` on one connection, turning the server's and the connection's failures into ``PostgresStoreError``
    /// that say what was being done.
    func withConnection<T: Sendable>(_ action: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await ConnectionWait(limit: connectionWaitLimit).run { claim in
                try await client.withConnection { connection in
                    try claim.begin()
                    return try await body(connection)
                }
            }
        } catch {
            throw PostgresStoreError.reporting(error, while: action, at: location)
        }
    }

    /// Runs `body` in one transaction (committed when it returns, rolled back when it throws).
    func withTransaction<T: Sendable>(_ action: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await ConnectionWait(limit: connectionWaitLimit).run { claim in
                try await client.withConnection { connection in
                    try claim.begin()
                    return try await connection.withTransaction(logger: logger) { connection in try await body(connection) }
                }
            }
        } catch {
            throw PostgresStoreError.reporting(error, while: action, at: location)
        }
    }

    /// Runs `body` in one read-only `REPEATABLE READ` transaction: every statement sees the same snapshot.
    func withSnapshot<T: Sendable>(_ action: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await withTransaction(action) { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            return try await body(connection)
        }
    }
}
