import Foundation
import GRDB
import Logging
import OnSiteCrypto
import OnSiteRelay
import Testing

/// The relay's stores, for tests that run the same checks on each (`@Test(arguments: StoreKind.allCases)`).
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// ``RelayStore``: one SQLite database (in memory, or in a temp folder with its blobs).
    case sqlite
    /// ``PostgresRelayStore`` on a fresh database of the tests' PostgreSQL server (``PostgresTestCluster``).
    case postgresql

    var testDescription: String { rawValue }

    /// The storage seam, which both stores implement whole.
    typealias Facets = RelayStorage

    /// Runs `body` on a new, empty, migrated store of this kind; a PostgreSQL store's pool is closed after. Its
    /// blob folder is a temp folder (removed after) that holds no blob.
    func withStore<T: Sendable>(_ body: (any Facets) async throws -> T) async throws -> T {
        switch self {
        case .sqlite:
            return try await body(RelayStore(writer: DatabaseQueue()))
        case .postgresql:
            return try await withStoreAndBlobs { store, _ in try await body(store) }
        }
    }

    /// Runs `body` on a new, empty, migrated store of this kind whose blobs live in a new temp folder (the SQLite
    /// file too), signing its checkpoints with `checkpointKey`; the folder is removed after.
    func withStoreAndBlobs<T: Sendable>(checkpointKey: Ed25519PrivateKey? = nil,
                                        _ body: (any Facets, RelayBlobStore) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("onsite-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let blobs = RelayBlobStore(directory: folder)
        switch self {
        case .sqlite:
            var store = try RelayStore(path: folder.appendingPathComponent("relay.sqlite").path)
            store.checkpointKey = checkpointKey
            return try await body(store, store.blobs)
        case .postgresql:
            let location = try await PostgresTestCluster.freshDatabase()
            return try await PostgresRelayStore.withStore(at: location, blobs: blobs, checkpointKey: checkpointKey,
                                                          logger: Logger(label: "test.postgres")) { store in
                try await body(store, blobs)
            }
        }
    }
}

/// Keeps a PostgreSQL store's connection pool running for as long as a test holds it (route tests drive the
/// router directly, without the application's services), and stops it when released.
final class StorePoolRunner: Sendable {
    private let task: Task<Void, Never>

    init(_ store: PostgresRelayStore) {
        task = Task { try? await store.run() }
    }

    deinit { task.cancel() }
}

extension StoreKind {
    /// A relay on a new, empty, migrated store of this kind: for SQLite the relay's own file in the configuration's
    /// data directory (as `onsite-relay serve` opens it), for PostgreSQL a fresh database with the blobs in the data
    /// directory; the runner keeps the PostgreSQL pool up while the test holds it.
    func relayServer(configuration: RelayConfiguration) async throws -> (RelayServer, StorePoolRunner?) {
        switch self {
        case .sqlite:
            return (try RelayServer(configuration: configuration, logger: Logger(label: "test")), nil)
        case .postgresql:
            let location = try await PostgresTestCluster.freshDatabase()
            let (store, blobs) = try await configuration.migratedPostgresStore(at: location, signing: true, logger: Logger(label: "test.postgres"))
            let runner = StorePoolRunner(store)
            return (try RelayServer(configuration: configuration, storage: store, blobs: blobs, logger: Logger(label: "test"), runsStorage: false), runner)
        }
    }
}
