import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A loopback TCP proxy that forwards bytes both ways and can cut the link after a number of bytes sent
/// upstream (client → relay), like a 2G link dropping mid-transfer. It counts every byte it forwards.
///
/// TLS passes through untouched: the client still verifies the relay's certificate for 127.0.0.1.
final class FaultyProxy: @unchecked Sendable {
    // @unchecked: the counters and the cut point are only touched under `lock`; `listener` is set in init.
    let port: Int
    private let upstreamPort: Int
    private let listener: Int32
    private let lock = NSLock()
    private var forwardedUpstream = 0
    private var forwardedDownstream = 0
    private var cutPoint: Int?
    private var cutCount = 0
    private var stopped = false

    init(upstreamPort: Int) throws {
        self.upstreamPort = upstreamPort
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw E2EError("proxy: socket failed") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else { throw E2EError("proxy: bind/listen failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    var url: String { "https://127.0.0.1:\(port)" }

    /// Bytes forwarded from clients to the relay so far.
    var upstreamBytes: Int { lock.withLock { forwardedUpstream } }
    /// Bytes forwarded from the relay to clients so far.
    var downstreamBytes: Int { lock.withLock { forwardedDownstream } }
    /// How many connections were cut.
    var cuts: Int { lock.withLock { cutCount } }

    /// Cuts the connection that carries the `bytes`-th upstream byte from now (once), with a TCP reset.
    func cut(afterUpstreamBytes bytes: Int) {
        lock.withLock { cutPoint = forwardedUpstream + bytes }
    }

    func stop() {
        lock.withLock { stopped = true }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    deinit { stop() }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if lock.withLock({ stopped }) { return }
                continue
            }
            let thread = Thread { [self] in forward(client) }
            thread.start()
        }
    }

    private func forward(_ client: Int32) {
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: upstreamPort)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        defer {
            close(client)
            close(upstream)
        }
        guard connected == 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var fds = [pollfd(fd: client, events: Int16(POLLIN), revents: 0), pollfd(fd: upstream, events: Int16(POLLIN), revents: 0)]
        while true {
            guard poll(&fds, 2, 1000) >= 0 else { return }
            for index in 0..<2 where fds[index].revents != 0 {
                let from = fds[index].fd, to = fds[1 - index].fd
                let count = buffer.withUnsafeMutableBytes { read(from, $0.baseAddress, $0.count) }
                if count <= 0 { return }
                var allowed = count
                var cutNow = false
                lock.withLock {
                    if index == 0 {
                        if let point = cutPoint, forwardedUpstream + count >= point {
                            allowed = max(0, point - forwardedUpstream)
                            cutPoint = nil
                            cutCount += 1
                            cutNow = true
                        }
                        forwardedUpstream += allowed
                    } else {
                        forwardedDownstream += count
                    }
                }
                if allowed > 0, !Self.writeAll(to, buffer, allowed) { return }
                if cutNow {
                    Self.reset(client)
                    Self.reset(upstream)
                    return
                }
            }
            if lock.withLock({ stopped }) { return }
        }
    }

    /// Makes the close (in `forward`'s defer) send a TCP reset, as a dropped radio link looks to the peer.
    private static func reset(_ descriptor: Int32) {
        var option = linger(l_onoff: 1, l_linger: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
    }

    private static func writeAll(_ descriptor: Int32, _ buffer: [UInt8], _ count: Int) -> Bool {
        var done = 0
        while done < count {
            let written = buffer.withUnsafeBytes { write(descriptor, $0.baseAddress!.advanced(by: done), count - done) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return false }
            done += written
        }
        return true
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
