import Foundation
import OnSiteSync

/// Everything the relay needs to run, read from a JSON file and the environment.
///
/// ```json
/// {"host": "127.0.0.1", "port": 8443, "dataDirectory": "relay-data",
///  "tls": {"certificateChain": "tls/cert.pem", "privateKey": "tls/key.pem"}}
/// ```
/// With `"store": "postgresql://onsite@db.example:5432/onsite"` the relay keeps its database in PostgreSQL, where
/// several relays may share it (with one shared `dataDirectory` for blobs and the relay's key).
/// Relative paths are resolved against the configuration file's folder. A key the relay does not know is refused
/// with the nearest known one (``refuseUnknownKeys(in:file:)``).
public struct RelayConfiguration: Codable, Sendable, Hashable {
    /// Certificate chain (leaf first) and private key, PEM files.
    public struct TLS: Codable, Sendable, Hashable {
        public var certificateChain: String
        public var privateKey: String

        public init(certificateChain: String, privateKey: String) {
            self.certificateChain = certificateChain
            self.privateKey = privateKey
        }
    }

    public var host: String = "127.0.0.1"
    /// 0 picks a free port; the relay prints the one it got.
    public var port: Int = 8443
    /// Holds `relay.sqlite` (unless ``store`` names a PostgreSQL database), the blobs and the relay's key. Relays on
    /// one PostgreSQL database share one data directory (on a shared file system).
    public var dataDirectory: String = "relay-data"
    /// Where the database lives: absent, the SQLite file `relay.sqlite` in ``dataDirectory``; or a
    /// `postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=…]` URL (see ``PostgresStoreLocation``).
    /// `ONSITE_RELAY_STORE` overrides it.
    public var store: String?
    /// Required unless ``allowPlainHTTP`` is set and the host is a loopback address.
    public var tls: TLS?
    /// Serve plain HTTP; refused unless the relay binds to loopback (behind a TLS proxy).
    public var allowPlainHTTP: Bool = false
    /// Entries per pull page when the client does not ask.
    public var pageSize: Int = 500
    public var limits: SyncLimits = SyncLimits()
    /// The largest chunk one `PATCH /v1/uploads/…` may carry (16 MiB by default; see `Protocol/uploads.md`).
    public var maxUploadChunkBytes: Int = 16 << 20
    /// Uploads that have not moved for this many hours are deleted with their bytes (swept at start-up and at
    /// most once a minute when an upload is created); the device starts that photo again. 0.01 … 8,760.
    public var uploadExpiryHours: Double = 24
    /// The connection cap, idle timeout and TCP keepalive.
    public var connections: ConnectionLimits = ConnectionLimits()
    /// How long the change log is kept before it is folded into the records (see ``LogRetention``).
    public var log: LogRetention = LogRetention()
    /// Lets a request from a loopback address read `/metrics` without a token (a Prometheus on this machine).
    /// Otherwise only an admin device's token may. Leave it off behind a proxy on the same machine.
    public var metricsLoopbackWithoutToken: Bool = false

    public init() {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = RelayConfiguration()
        host = try container.decodeIfPresent(String.self, forKey: .host) ?? defaults.host
        port = try container.decodeIfPresent(Int.self, forKey: .port) ?? defaults.port
        dataDirectory = try container.decodeIfPresent(String.self, forKey: .dataDirectory) ?? defaults.dataDirectory
        store = try container.decodeIfPresent(String.self, forKey: .store)
        tls = try container.decodeIfPresent(TLS.self, forKey: .tls)
        allowPlainHTTP = try container.decodeIfPresent(Bool.self, forKey: .allowPlainHTTP) ?? defaults.allowPlainHTTP
        pageSize = try container.decodeIfPresent(Int.self, forKey: .pageSize) ?? defaults.pageSize
        limits = try container.decodeIfPresent(SyncLimits.self, forKey: .limits) ?? defaults.limits
        maxUploadChunkBytes = try container.decodeIfPresent(Int.self, forKey: .maxUploadChunkBytes) ?? defaults.maxUploadChunkBytes
        uploadExpiryHours = try container.decodeIfPresent(Double.self, forKey: .uploadExpiryHours) ?? defaults.uploadExpiryHours
        connections = try container.decodeIfPresent(ConnectionLimits.self, forKey: .connections) ?? defaults.connections
        log = try container.decodeIfPresent(LogRetention.self, forKey: .log) ?? defaults.log
        metricsLoopbackWithoutToken = try container.decodeIfPresent(Bool.self, forKey: .metricsLoopbackWithoutToken)
            ?? defaults.metricsLoopbackWithoutToken
    }

    /// Reads a configuration file, resolving relative paths against its folder.
    public static func load(file path: String) throws(RelayConfigurationError) -> RelayConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RelayConfigurationError("Cannot read the configuration file \(path). Check the path, or start from Samples/relay.json.")
        }
        try refuseUnknownKeys(in: data, file: path)
        var configuration: RelayConfiguration
        do {
            configuration = try WireCoding.decode(RelayConfiguration.self, from: data)
        } catch {
            throw RelayConfigurationError("The configuration file \(path) is not valid: \(error.description)")
        }
        if let store = configuration.store {
            _ = try RelayStoreLocation.postgresql(store, source: "`store` in \(path)")
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        configuration.resolvePaths(against: base)
        return configuration
    }

    /// Applies `ONSITE_RELAY_HOST`, `_PORT`, `_DATA`, `_STORE`, `_TLS_CERT`, `_TLS_KEY` and `_PLAIN_HTTP` overrides;
    /// when one is refused, none is applied.
    public mutating func apply(environment: [String: String]) throws(RelayConfigurationError) {
        var updated = self
        if let host = environment["ONSITE_RELAY_HOST"] { updated.host = host }
        if let text = environment["ONSITE_RELAY_PORT"] {
            guard let port = Int(text) else { throw RelayConfigurationError("ONSITE_RELAY_PORT must be a port number, not \"\(text)\".") }
            updated.port = port
        }
        if let data = environment["ONSITE_RELAY_DATA"] { updated.dataDirectory = data }
        if let store = environment["ONSITE_RELAY_STORE"] {
            _ = try RelayStoreLocation.postgresql(store, source: "ONSITE_RELAY_STORE")
            updated.store = store
        }
        if let cert = environment["ONSITE_RELAY_TLS_CERT"], let key = environment["ONSITE_RELAY_TLS_KEY"] {
            updated.tls = TLS(certificateChain: cert, privateKey: key)
        }
        if let plain = environment["ONSITE_RELAY_PLAIN_HTTP"] { updated.allowPlainHTTP = ["1", "true", "yes"].contains(plain.lowercased()) }
        self = updated
    }

    mutating func resolvePaths(against base: URL) {
        func resolve(_ path: String) -> String {
            path.hasPrefix("/") ? path : base.appendingPathComponent(path).standardizedFileURL.path
        }
        dataDirectory = resolve(dataDirectory)
        if let tls {
            self.tls = TLS(certificateChain: resolve(tls.certificateChain), privateKey: resolve(tls.privateKey))
        }
    }

    /// Checks the combination of settings before anything starts.
    public func validate() throws(RelayConfigurationError) {
        guard (0...65_535).contains(port) else { throw RelayConfigurationError("`port` must be 0 to 65535, not \(port).") }
        guard (1...5_000).contains(pageSize) else { throw RelayConfigurationError("`pageSize` must be 1 to 5000, not \(pageSize).") }
        if let problem = limits.problem { throw RelayConfigurationError(problem + ".") }
        guard (1...(256 << 20)).contains(maxUploadChunkBytes) else {
            throw RelayConfigurationError("`maxUploadChunkBytes` must be 1 to 268435456 (256 MiB), not \(maxUploadChunkBytes).")
        }
        guard uploadExpiryHours.isFinite, (0.01...8_760).contains(uploadExpiryHours) else {
            throw RelayConfigurationError("`uploadExpiryHours` must be 0.01 to 8760 hours, not \(uploadExpiryHours).")
        }
        try connections.validate()
        _ = try storeLocation()
        if let problem = log.problem { throw RelayConfigurationError(problem + ".") }
        if tls == nil {
            guard allowPlainHTTP else {
                throw RelayConfigurationError("No TLS certificate is configured. Set `tls` (make a pilot pair with `onsite-relay cert --self-signed --host NAME --out DIR`), or set `allowPlainHTTP` on a loopback host behind a TLS proxy.")
            }
            guard isLoopback else {
                throw RelayConfigurationError("Plain HTTP is allowed only on a loopback host (127.0.0.1, ::1, localhost), not on \(host). Configure `tls`.")
            }
        }
    }

    public var isLoopback: Bool { host == "localhost" || host == "::1" || host.hasPrefix("127.") }

    /// The relay's Ed25519 key (32 bytes, 0600), made at first start; it signs log checkpoints.
    public var relayKeyPath: String { URL(fileURLWithPath: dataDirectory).appendingPathComponent("relay-signing.key").path }

    /// The SQLite store's file (used when ``store`` is absent).
    public var storePath: String { URL(fileURLWithPath: dataDirectory).appendingPathComponent("relay.sqlite").path }

    /// The store this configuration names: the SQLite file in the data directory, or the PostgreSQL database of
    /// ``store``.
    /// - Throws: ``RelayConfigurationError`` when ``store`` is not a usable `postgresql://` URL.
    public func storeLocation() throws(RelayConfigurationError) -> RelayStoreLocation {
        guard let store else { return .sqlite(path: storePath) }
        return .postgresql(try RelayStoreLocation.postgresql(store, source: "`store`"))
    }
}

/// A configuration that cannot be used, with what to change.
public struct RelayConfigurationError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
