import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import OnSiteSync
import OnSiteCrypto
import ServiceLifecycle

/// The relay's HTTP application: routes, authentication, TLS, on the store of its choice.
///
/// The store is whatever implements ``RelayStorage``: the SQLite ``RelayStore`` in the data folder (the default,
/// ``init(configuration:logger:now:)``), or a ``PostgresRelayStore`` that several relays share
/// (``init(configuration:storage:blobs:logger:now:)``, or ``open(configuration:logger:now:)`` which reads `store` in the
/// configuration). Blobs and the relay's key live in the data folder either way (`Protocol/sync.md`, "Several
/// relays on one PostgreSQL database").
public struct RelayServer: Sendable {
    public let configuration: RelayConfiguration
    /// The store every route, service and command of this relay speaks to.
    public let storage: any RelayStorage
    /// The blob store every upload route shares (one set of upload leases).
    public let blobs: RelayBlobStore
    public let logger: Logger
    /// What `/metrics` serves.
    public let metrics: RelayMetrics
    private let connections: ConnectionRegistry
    /// Names and deadline rules for the hub's reads (exports, Open311): the catalogue built into the binary.
    private let catalogue: ExportCatalogue
    private let seen: LastSeenRecorder
    /// Whether the application runs the storage's own service (its connection pool).
    private let runsStorage: Bool

    /// Opens the SQLite store under the configuration's data directory (whatever `store` says) and sweeps uploads
    /// abandoned for longer than `uploadExpiryHours`.
    public init(configuration: RelayConfiguration, logger: Logger, now: Date = Date()) throws {
        try configuration.validate()
        try Self.createDataDirectory(configuration)
        var store = try RelayStore(path: configuration.storePath)
        store.checkpointKey = try Ed25519PrivateKey.loadOrCreate(at: configuration.relayKeyPath)
        try self.init(configuration: configuration, storage: store, logger: logger, now: now)
    }

    /// A relay on `storage`, opened and migrated by the caller (with its checkpoint key set), its blobs in the
    /// configuration's data directory (`blobs`: the blob store the storage reads, when it has one); sweeps uploads
    /// abandoned for longer than `uploadExpiryHours`.
    ///
    /// A store that is a ServiceLifecycle `Service` (the PostgreSQL store's connection pool) runs as the first service
    /// of ``makeApplication(onRunning:)``, so it stops last, after the server has answered its open requests; with
    /// `runsStorage` false the caller runs it (tests that make several applications on one store, which may run its
    /// pool only once).
    public init(configuration: RelayConfiguration, storage: any RelayStorage, blobs: RelayBlobStore? = nil, logger: Logger,
                now: Date = Date(), runsStorage: Bool = true) throws {
        try configuration.validate()
        try Self.createDataDirectory(configuration)
        self.configuration = configuration
        self.storage = storage
        self.runsStorage = runsStorage
        self.metrics = RelayMetrics()
        self.catalogue = try ExportCatalogue.builtIn()
        self.seen = LastSeenRecorder(store: storage)
        self.blobs = blobs ?? RelayBlobStore(directory: URL(fileURLWithPath: configuration.dataDirectory))
        self.logger = logger
        self.connections = ConnectionRegistry(maxConnections: configuration.connections.maxConnections)
        let swept = self.blobs.sweepExpiredUploads(olderThan: now.addingTimeInterval(-configuration.uploadExpiry))
        if swept > 0 { logger.notice("swept abandoned uploads", metadata: ["relay.uploads": .stringConvertible(swept)]) }
    }

    private static func createDataDirectory(_ configuration: RelayConfiguration) throws {
        try FileManager.default.createDirectory(
            atPath: configuration.dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// The router with every route, usable on its own in tests.
    public func makeRouter() -> Router<RelayRequestContext> {
        let store = storage
        let router = Router(context: RelayRequestContext.self)
        router.add(middleware: AccessLogMiddleware(metrics: metrics, routes: RouteTable.relay))
        router.add(middleware: ErrorBodyMiddleware())
        router.add(middleware: MethodNotAllowedMiddleware(routes: RouteTable.relay))
        router.get("healthz") { _, _ in
            try JSONResponse.make(try await HealthCheck.read(store))
        }
        MetricsController(store: store, metrics: metrics, loopbackWithoutToken: configuration.metricsLoopbackWithoutToken)
            .addRoutes(to: router)
        WebController(store: store, blobs: blobs, isTLS: configuration.tls != nil).addRoutes(to: router)
        let v1 = router.group("v1").add(middleware: DeviceAuthenticator(store: store, seen: seen))
        v1.add(middleware: ProtocolVersionMiddleware())
        SyncController(store: store, limits: configuration.limits, pageSize: configuration.pageSize, metrics: metrics).addRoutes(to: v1)
        UploadController(store: store, blobs: blobs, limits: configuration.limits, maxChunkBytes: configuration.maxUploadChunkBytes,
                         uploadExpiry: configuration.uploadExpiry).addRoutes(to: v1)
        ExportController(store: store, catalogue: catalogue).addRoutes(to: v1)
        EvidenceController(store: store, limits: configuration.limits).addRoutes(to: v1)
        Open311Controller(store: store, catalogue: catalogue, limits: configuration.limits, origin: configuration.origin).addRoutes(to: router, authenticator: DeviceAuthenticator(store: store, seen: seen))
        return router
    }

    /// Builds the application; `onRunning` gets the bound port (useful with port 0).
    public func makeApplication(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        let limits = configuration.connections
        let registry = connections
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [ConnectionGuard(registry: registry, keepAliveSeconds: limits.tcpKeepAliveSeconds)],
            idleTimeout: .milliseconds(Int64(limits.idleTimeoutSeconds * 1000)))
        let server: HTTPServerBuilder
        if let tls = configuration.tls {
            server = try .tls(.http1(configuration: http1), tlsConfiguration: try Self.tlsConfiguration(tls))
        } else {
            server = .http1(configuration: http1)
        }
        let store = self.storage
        let retention = configuration.log
        let logger = self.logger
        // Shut down in reverse order: the server first, then compaction, then the store's pool (if it has one).
        var services: [any Service] = []
        if runsStorage, let pool = store as? any Service { services.append(pool) }
        services.append(LogCompactionService(store: store, retention: retention, logger: logger))
        return Application(
            router: makeRouter(),
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "onsite-relay"),
            services: services,
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    static func tlsConfiguration(_ tls: RelayConfiguration.TLS) throws(RelayConfigurationError) -> TLSConfiguration {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(tls.certificateChain).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: tls.privateKey, format: .pem)
            return TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        } catch {
            throw RelayConfigurationError("Cannot load the TLS certificate \(tls.certificateChain) or key \(tls.privateKey): \(error). Check the files, or make a pilot pair with `onsite-relay cert --self-signed`.")
        }
    }
}

extension RelayConfiguration {
    /// ``uploadExpiryHours`` in seconds.
    var uploadExpiry: TimeInterval { uploadExpiryHours * 3600 }

    /// `https://host:port` (or `http://` without TLS): the relay's own address, for links it hands out.
    var origin: String { "\(tls == nil ? "http" : "https")://\(host.contains(":") ? "[\(host)]" : host):\(port)" }
}

struct Health: Codable, Sendable {
    var status: String
    var serverVersion: Int64
    var protocolVersion: Int
    /// The log chain's newest version and hash (`Protocol/evidence.md`).
    var chainHead: ChainHead
}
