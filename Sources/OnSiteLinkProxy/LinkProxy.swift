import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A loopback TCP proxy that behaves like a bad field link: a rate limit in each direction (token buckets),
/// an added delay each way, and cuts of every open connection at seeded random intervals (or on demand after
/// a number of upstream bytes). It counts what entered the link and what came out (``LinkCounters``).
///
/// TLS passes through untouched: the client still verifies the server's certificate for 127.0.0.1.
///
/// ```swift
/// let proxy = try LinkProxy(upstreamPort: relay.port, profile: .fieldDay)
/// defer { proxy.stop() }
/// // point the client at proxy.url …
/// print(proxy.counters.wireBytes, proxy.counters.cuts)
/// ```
///
/// Each connection runs on four threads of its own (a reader and a writer per direction): it is a tool for
/// tests and benchmarks, made for tens of connections, not thousands.
public final class LinkProxy: @unchecked Sendable {
    // @unchecked: `counts`, `open`, `cutPoint` and `stopped` are only touched under `lock`; the rest is
    // immutable after init.
    /// The port the proxy listens on (127.0.0.1).
    public let port: Int
    /// The server's port (127.0.0.1).
    public let upstreamPort: Int
    public let profile: LinkProfile
    /// Bytes a reader takes per `read`: small on a slow link, so the rate limit is smooth.
    let readSize: Int
    private let listener: Int32
    private let upstreamBucket: TokenBucket?
    private let downstreamBucket: TokenBucket?
    private let lock = NSLock()
    private var counts = LinkCounters()
    private var open: [ObjectIdentifier: ProxyConnection] = [:]
    private var cutPoint: Int?
    private var stopped = false
    private var impaired: Bool

    /// Starts listening on 127.0.0.1:`port` (0: a free port) and forwarding to 127.0.0.1:`upstreamPort`.
    ///
    /// - Parameter impaired: whether the profile applies from the start; when false the link is perfect until
    ///   ``setImpaired(_:)`` (to set devices up before the link goes bad).
    public init(upstreamPort: Int, profile: LinkProfile = .perfect, port: Int = 0, impaired: Bool = true) throws(LinkProxyError) {
        self.upstreamPort = upstreamPort
        self.profile = profile
        self.impaired = impaired
        if let rate = profile.bytesPerSecond {
            let burst = profile.burstBytes ?? max(4096, rate / 10)
            upstreamBucket = TokenBucket(rate: rate, capacity: burst)
            downstreamBucket = TokenBucket(rate: rate, capacity: burst)
            readSize = min(16 * 1024, max(512, min(burst, rate / 20)))
        } else {
            upstreamBucket = nil
            downstreamBucket = nil
            readSize = 64 * 1024
        }
        let listening = try ProxySocket.listen(port: port)
        listener = listening.descriptor
        self.port = listening.port
        Thread { [self] in acceptLoop() }.start()
        if let range = profile.cutEvery {
            let schedule = CutSchedule(range: range, seed: profile.seed)
            Thread { [self] in cutLoop(schedule) }.start()
        }
    }

    /// `https://127.0.0.1:<port>`.
    public var url: String { "https://127.0.0.1:\(port)" }

    /// What crossed the link so far.
    public var counters: LinkCounters { lock.withLock { counts } }
    /// Bytes that entered the link client → server so far.
    public var upstreamBytes: Int { counters.upstreamSent }
    /// Bytes that entered the link server → client so far.
    public var downstreamBytes: Int { counters.downstreamSent }
    /// Connections cut so far.
    public var cuts: Int { counters.cuts }

    /// Cuts the connection that carries the `bytes`-th upstream byte from now (once), after delivering the
    /// bytes before it, with a TCP reset to both ends.
    public func cut(afterUpstreamBytes bytes: Int) {
        lock.withLock { cutPoint = counts.upstreamSent + bytes }
    }

    /// Cuts every open connection now; returns how many there were.
    @discardableResult
    public func cutAll() -> Int {
        let victims = lock.withLock {
            if open.isEmpty { counts.idleCuts += 1 } else { counts.cuts += 1 }
            return Array(open.values)
        }
        victims.forEach { $0.cut() }
        return victims.count
    }

    /// Turns the profile's rate limit, delay and scheduled cuts on or off (one-shot cuts work either way).
    public func setImpaired(_ on: Bool) { lock.withLock { impaired = on } }

    /// Whether the profile applies now.
    public var isImpaired: Bool { lock.withLock { impaired } }

    /// The delay bytes entering the link now get.
    var currentDelay: Duration { isImpaired ? profile.delay : .zero }

    /// Stops accepting and cuts what is open.
    public func stop() {
        let victims = lock.withLock {
            stopped = true
            return Array(open.values)
        }
        victims.forEach { $0.cut() }
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    // MARK: Loops

    private func acceptLoop() {
        defer { close(listener) }
        while !isStopped {
            guard ProxySocket.wait(listener, for: Int16(POLLIN)) else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            guard !isStopped, let server = ProxySocket.connect(port: upstreamPort) else {
                ProxySocket.setResetOnClose(client)
                close(client)
                continue
            }
            let connection = ProxyConnection(client: client, server: server, proxy: self)
            lock.withLock {
                open[ObjectIdentifier(connection)] = connection
                counts.connections += 1
            }
            Thread { connection.run() }.start()
        }
    }

    private func cutLoop(_ schedule: CutSchedule) {
        var schedule = schedule
        while !isStopped {
            let end = Date().addingTimeInterval(schedule.next())
            while !isStopped, end.timeIntervalSinceNow > 0 { Thread.sleep(forTimeInterval: min(0.05, end.timeIntervalSinceNow)) }
            if isStopped { return }
            if isImpaired { cutAll() }
        }
    }

    // MARK: Called by the connections

    func reserve(_ bytes: Int, direction: ProxyConnection.Direction) -> Double {
        guard isImpaired else { return 0 }
        return (direction == .upstream ? upstreamBucket : downstreamBucket)?.reserve(bytes) ?? 0
    }

    /// Counts bytes entering the link; upstream, it may hit the one-shot cut point: then only `allowed` go.
    func noteSent(_ bytes: Int, direction: ProxyConnection.Direction) -> (allowed: Int, cutAfter: Bool) {
        lock.withLock {
            switch direction {
            case .downstream:
                counts.downstreamSent += bytes
                return (bytes, false)
            case .upstream:
                if let point = cutPoint, counts.upstreamSent + bytes >= point {
                    let allowed = max(0, point - counts.upstreamSent)
                    cutPoint = nil
                    counts.upstreamSent += allowed
                    return (allowed, true)
                }
                counts.upstreamSent += bytes
                return (bytes, false)
            }
        }
    }

    func noteDelivered(_ bytes: Int, direction: ProxyConnection.Direction) {
        lock.withLock {
            if direction == .upstream { counts.upstreamDelivered += bytes } else { counts.downstreamDelivered += bytes }
        }
    }

    /// A one-shot cut point was reached on `connection`.
    func noteCut(_ connection: ProxyConnection) {
        lock.withLock { counts.cuts += 1 }
    }

    func connectionEnded(_ connection: ProxyConnection) {
        _ = lock.withLock { open.removeValue(forKey: ObjectIdentifier(connection)) }
    }
}
