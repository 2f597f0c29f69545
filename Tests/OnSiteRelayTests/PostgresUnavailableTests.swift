import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Logging
import OnSiteLinkProxy
@testable import OnSiteRelay
import OnSiteSync
import Testing

/// A relay whose PostgreSQL server goes away: the server is reached through the project's TCP proxy, which is then
/// stopped (open connections reset, new ones refused), as a database host that crashed or a cut network would.
@Suite("PostgreSQL store unreachable")
struct PostgresUnavailableTests {
    /// A relay (routes driven in process) on a fresh database that it reaches through the project's TCP proxy.
    struct ProxiedRelay {
        /// The database's own address, past the proxy.
        let direct: PostgresStoreLocation
        let proxy: LinkProxy
        let store: PostgresRelayStore
        let server: RelayServer
        let dataDirectory: String
        /// The store's connection pool, up while the fixture lives.
        private let pool: StorePoolRunner

        init(connectionWaitLimit: Duration = .seconds(10)) async throws {
            direct = try await PostgresTestCluster.freshDatabase()
            proxy = try LinkProxy(upstreamPort: direct.port, impaired: false)
            var viaProxy = direct
            viaProxy.host = "127.0.0.1"
            viaProxy.port = proxy.port
            var configuration = RelayConfiguration()
            configuration.allowPlainHTTP = true
            configuration.dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("relay-test-\(UUID().uuidString)").path
            dataDirectory = configuration.dataDirectory
            var (configured, blobs) = try await configuration.migratedPostgresStore(at: viaProxy, signing: true, logger: Logger(label: "test.postgres"))
            configured.connectionWaitLimit = connectionWaitLimit
            store = configured
            pool = StorePoolRunner(configured)
            server = try RelayServer(configuration: configuration, storage: configured, blobs: blobs, logger: Logger(label: "test"), runsStorage: false)
        }

        func removeDataFolder() { try? FileManager.default.removeItem(atPath: dataDirectory) }
    }

    @Test("/healthz answers 503 store_unavailable within its bound when the database does not answer or cannot be reached, and 200 again once it does")
    func healthAnswersWithinItsBoundWithoutTheDatabase() async throws {
        let relay = try await ProxiedRelay()
        defer { relay.removeDataFolder() }
        let (direct, proxy, server) = (relay.direct, relay.proxy, relay.server)
        @Sendable func health(_ client: some TestClientProtocol, status expected: HTTPResponse.Status) async throws -> Duration {
            let asked = ContinuousClock.now
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == expected)
                if expected == .serviceUnavailable {
                    let body = try WireCoding.decode(ErrorBody.self, from: Data(response.body.readableBytesView))
                    #expect(body.error.code == .storeUnavailable)
                    #expect(body.error.message.contains("cannot reach its database"))
                }
            }
            return ContinuousClock.now - asked
        }
        try await server.makeApplication().test(.router) { client in
            _ = try await health(client, status: .ok)
            // A server that takes the connection and never answers: another session holds the table the read needs.
            let blocker = try await PostgresStoreTests.connect(direct)
            let logger = Logger(label: "test.postgres")
            try await blocker.query("BEGIN", logger: logger)
            try await blocker.query("LOCK TABLE relay_identity IN ACCESS EXCLUSIVE MODE", logger: logger)
            // Released after 8 s whatever happens, so a relay that waits for the table answers 200 late instead of never.
            let release = Task {
                try await Task.sleep(for: .seconds(8))
                try await blocker.query("ROLLBACK", logger: logger)
                try await blocker.close()
            }
            let waited = try await health(client, status: .serviceUnavailable)
            #expect(waited >= HealthCheck.limit && waited < HealthCheck.limit + .seconds(3), "answered after \(waited)")
            try await release.value
            _ = try await health(client, status: .ok)
            // The server gone: open connections reset, new ones refused.
            proxy.stop()
            let gone = try await health(client, status: .serviceUnavailable)
            #expect(gone < HealthCheck.limit + .seconds(3), "answered after \(gone)")
        }
    }

    @Test("with the server gone, a device's routes answer 503 store_unavailable once the wait for a connection runs out, not after the pool's minute")
    func deviceRoutesAnswerWithinTheConnectionWait() async throws {
        let relay = try await ProxiedRelay(connectionWaitLimit: .seconds(2))
        defer { relay.removeDataFolder() }
        let (proxy, store, server) = (relay.proxy, relay.store, relay.server)
        let officer = try await RelayRouteTests.Fixture.add(.officer, ["phuong-muong-thanh"], to: store)
        try await server.makeApplication().test(.router) { client in
            try await client.execute(uri: "/v1/changes?since=0", method: .get, headers: RelayRouteTests.headers(officer.token)) { response in
                #expect(response.status == .ok)
            }
            proxy.stop()
            for uri in ["/v1/me", "/v1/changes?since=0"] {
                let asked = ContinuousClock.now
                try await client.execute(uri: uri, method: .get, headers: RelayRouteTests.headers(officer.token)) { response in
                    #expect(response.status == .serviceUnavailable, "\(uri)")
                    let body = try WireCoding.decode(ErrorBody.self, from: Data(response.body.readableBytesView))
                    #expect(body.error.code == .storeUnavailable, "\(uri)")
                }
                let waited = ContinuousClock.now - asked
                #expect(waited < store.connectionWaitLimit + .seconds(3), "\(uri) answered after \(waited)")
            }
        }
    }

    @Test("the wait for a connection never cuts a call that has its connection, however long it then takes")
    func theBoundCoversOnlyTheWait() async throws {
        let location = try await PostgresTestCluster.freshDatabase()
        let store = PostgresRelayStore(location: location, blobs: PostgresTestCluster.noBlobs, logger: Logger(label: "test.postgres"))
        let pool = StorePoolRunner(store)
        // A first call opens the pool's connection (slow on a loaded machine), with the default bound.
        try await store.withConnection("open the first connection") { connection in
            try await connection.query("SELECT 1", logger: Logger(label: "test.postgres"))
        }
        // Then a call that gets that connection at once and holds it for 2.5 times its bound.
        var bounded = store
        bounded.connectionWaitLimit = .seconds(1)
        let slept = try await bounded.withTransaction("sleep past the bound") { connection in
            try await connection.query("SELECT pg_sleep(2.5)", logger: Logger(label: "test.postgres"))
            return true
        }
        #expect(slept)
        withExtendedLifetime(pool) {}
    }

    @Test("a store failure that is the server's absence is told apart from a statement's failure")
    func connectionFailuresAreUnavailable() async throws {
        // Nothing listens on port 1: connecting is refused at once.
        let nowhere = PostgresStoreLocation(host: "127.0.0.1", port: 1, username: "onsite", database: "onsite", tlsMode: .disable)
        let refused = await #expect(throws: PostgresStoreError.self) {
            try await PostgresRelayStore.migrate(at: nowhere, logger: Logger(label: "test.postgres"))
        }
        #expect(refused?.isUnavailable == true, "\(String(describing: refused))")
        #expect(refused?.description.contains("cannot be reached") == true, "\(String(describing: refused))")
        // A statement the server refuses is not.
        let location = try await PostgresTestCluster.freshDatabase()
        try await PostgresRelayStore.withStore(at: location, blobs: PostgresTestCluster.noBlobs, logger: Logger(label: "test.postgres")) { store async throws in
            let failed = await #expect(throws: PostgresStoreError.self) {
                try await store.withConnection("read a table that is not there") { connection in
                    try await connection.query("SELECT * FROM no_such_table", logger: Logger(label: "test.postgres"))
                }
            }
            #expect(failed?.isUnavailable == false, "\(String(describing: failed))")
        }
    }
}
