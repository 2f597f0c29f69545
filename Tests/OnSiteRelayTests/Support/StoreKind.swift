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
