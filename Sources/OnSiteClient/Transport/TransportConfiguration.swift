/// Settings of an ``HTTPTransport``.
///
/// ```swift
/// var configuration = TransportConfiguration()
/// configuration.caCertificatePath = "/etc/onsite/relay-ca.pem"   // trust only this CA
/// configuration.totalTimeout = .seconds(600)
/// let transport = HTTPTransport(configuration: configuration)
/// ```
///
/// Certificate and host name verification are always on. Proxies from the environment (`https_proxy`,
/// `no_proxy`, ...) are honoured, as libcurl does by default.
public struct TransportConfiguration: Sendable, Hashable {
    /// A PEM file of CA certificates to trust *instead of* the system store, e.g. the relay's `ca.pem`.
    /// When nil, the system store is used.
    public var caCertificatePath: String?
    /// How long to wait for the TCP and TLS connection; 15 s by default.
    public var connectTimeout: Duration
    /// A transfer slower than this many bytes per second for ``lowSpeedTime`` is abandoned as timed out;
    /// 100 B/s by default. 0 turns the check off.
    public var lowSpeedLimit: Int
    /// See ``lowSpeedLimit``; 60 s by default.
    public var lowSpeedTime: Duration
    /// A limit on the whole exchange; none by default, since a big photo on a slow link can take long.
    public var totalTimeout: Duration?
    /// The `User-Agent` header.
    public var userAgent: String
    /// The largest response body kept in memory; 64 MiB by default. Use ``HTTPRequest/downloadPath`` for more.
    public var maxInMemoryResponseBytes: Int
    /// Ask for gzip-compressed responses (`Accept-Encoding: gzip`); libcurl inflates them as they arrive, and the
    /// in-memory limit applies to the inflated bytes. On by default.
    public var acceptsGzip: Bool = true

    /// Makes a configuration; every parameter has the default documented on its property.
    public init(
        caCertificatePath: String? = nil,
        connectTimeout: Duration = .seconds(15),
        lowSpeedLimit: Int = 100,
        lowSpeedTime: Duration = .seconds(60),
        totalTimeout: Duration? = nil,
        userAgent: String = "OnSite/1",
        maxInMemoryResponseBytes: Int = 64 << 20
    ) {
        self.caCertificatePath = caCertificatePath
        self.connectTimeout = connectTimeout
        self.lowSpeedLimit = lowSpeedLimit
        self.lowSpeedTime = lowSpeedTime
        self.totalTimeout = totalTimeout
        self.userAgent = userAgent
        self.maxInMemoryResponseBytes = maxInMemoryResponseBytes
    }
}

extension Duration {
    /// Whole milliseconds, rounded down, at least 1 for a positive duration.
    var wholeMilliseconds: Int {
        let (seconds, attoseconds) = components
        let milliseconds = Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
        return self > .zero ? max(1, milliseconds) : 0
    }
}
