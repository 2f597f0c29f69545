import Foundation
import OnSitePostgresTesting
import OnSiteRelay

/// The tests' PostgreSQL server (``OnSitePostgresTesting/PostgresTestCluster``, shared with the end-to-end tests),
/// handing out databases as the store's locations.
enum PostgresTestCluster {
    /// A blob folder for stores whose tests touch no blob: nothing is ever written there.
    static let noBlobs = RelayBlobStore(directory: FileManager.default.temporaryDirectory.appendingPathComponent("onsite-no-blobs-\(UUID().uuidString)"))

    /// A new, empty database on the tests' PostgreSQL server.
    static func freshDatabase() async throws -> PostgresStoreLocation {
        try PostgresStoreLocation(try await OnSitePostgresTesting.PostgresTestCluster.freshDatabaseURL())
    }
}
