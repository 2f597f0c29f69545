import Foundation
import GRDB
import Logging
import OnSiteRelay
import Testing

/// The relay's stores, for tests that run the same checks on each (`@Test(arguments: StoreKind.allCases)`).
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// ``RelayStore``: one SQLite database (in memory here).
    case sqlite
    /// ``PostgresRelayStore`` on a fresh database of the tests' PostgreSQL server (``PostgresTestCluster``).
    case postgresql

    var testDescription: String { rawValue }

    /// The facets of the storage seam both stores implement so far.
    typealias Facets = RelayDeviceStorage & RelayDeviceKeyStorage & RelayIdentityStorage & RelaySyncStorage

    /// Runs `body` on a new, empty, migrated store of this kind; a PostgreSQL store's pool is closed after.
    func withStore<T: Sendable>(_ body: (any Facets) async throws -> T) async throws -> T {
        switch self {
        case .sqlite:
            return try await body(RelayStore(writer: DatabaseQueue()))
        case .postgresql:
            let location = try await PostgresTestCluster.freshDatabase()
            return try await PostgresRelayStore.withStore(at: location, logger: Logger(label: "test.postgres")) { store in
                try await body(store)
            }
        }
    }
}
