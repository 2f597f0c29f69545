import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One client connection through the proxy and its connection to the server: two directions, each a reader
/// (rate limit, then into the delay line) and a writer (out of the delay line when due).
final class ProxyConnection: @unchecked Sendable {
    // @unchecked: the descriptors are immutable; `isCut` and `openDirections` are only touched under `lock`;
    // the delay lines and the proxy synchronise themselves.
    enum Direction { case upstream, downstream }

    let client: Int32
    let server: Int32
    /// Held strongly: the connection's threads may outlive the caller's last reference to the proxy (a test that
    /// stops it and returns), and report their end to it; the proxy drops the connection once it has ended.
    private let proxy: LinkProxy
    private let lines = (upstream: DelayLine(), downstream: DelayLine())
    private let lock = NSLock()
    private var isCut = false
    private let finished = DispatchGroup()

    init(client: Int32, server: Int32, proxy: LinkProxy) {
        self.client = client
        self.server = server
        self.proxy = proxy
        ProxySocket.makeNonBlocking(client)
        ProxySocket.makeNonBlocking(server)
    }

    var wasCut: Bool { lock.withLock { isCut } }

    /// Runs the four pumps, then closes both sockets (with a reset when the link was cut).
    func run() {
        for (direction, line) in [(Direction.upstream, lines.upstream), (.downstream, lines.downstream)] {
            let from = direction == .upstream ? client : server
            let to = direction == .upstream ? server : client
            spawn { [self] in read(from, into: line, direction: direction) }
            spawn { [self] in write(to, from: line, direction: direction) }
        }
        finished.wait()
        if wasCut {
            ProxySocket.setResetOnClose(client)
            ProxySocket.setResetOnClose(server)
        }
        close(client)
        close(server)
        proxy.connectionEnded(self)
    }

    /// Drops the connection now: what is in flight is lost and both ends get a TCP reset.
    func cut() {
        lock.withLock { isCut = true }
        lines.upstream.close()
        lines.downstream.close()
    }

    private func spawn(_ body: @escaping @Sendable () -> Void) {
        finished.enter()
        Thread { [finished] in
            body()
            finished.leave()
        }.start()
    }

    private func read(_ descriptor: Int32, into line: DelayLine, direction: Direction) {
        var buffer = [UInt8](repeating: 0, count: proxy.readSize)
        while !wasCut {
            guard ProxySocket.wait(descriptor, for: Int16(POLLIN)) else { continue }
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { continue }
            guard count > 0 else {
                // FIN (or an error) from this side: pass it on after the bytes before it.
                _ = line.push(.end, due: .now + proxy.currentDelay)
                return
            }
            let wait = proxy.reserve(count, direction: direction)
            if wait > 0 { sleepUnlessCut(wait) }
            if wasCut { return }
            let (allowed, cutAfter) = proxy.noteSent(count, direction: direction)
            let due = ContinuousClock.now + proxy.currentDelay
            if allowed > 0, !line.push(.bytes(Array(buffer[0..<allowed])), due: due) { return }
            if cutAfter {
                _ = line.push(.cut, due: due)
                return
            }
        }
    }

    private func write(_ descriptor: Int32, from line: DelayLine, direction: Direction) {
        while let item = line.pop() {
            switch item {
            case .bytes(let bytes):
                guard writeAll(descriptor, bytes) else { return cut() }
                proxy.noteDelivered(bytes.count, direction: direction)
            case .end:
                shutdown(descriptor, Int32(SHUT_WR))
                return
            case .cut:
                proxy.noteCut(self)
                return cut()
            }
        }
    }

    private func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
        var done = 0
        while done < bytes.count {
            if wasCut { return false }
            let written = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return Glibc.write(descriptor, base.advanced(by: done), raw.count - done)
            }
            if written < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
                _ = ProxySocket.wait(descriptor, for: Int16(POLLOUT))
                continue
            }
            guard written > 0 else { return false }
            done += written
        }
        return true
    }

    private func sleepUnlessCut(_ seconds: Double) {
        let end = Date().addingTimeInterval(seconds)
        while !wasCut {
            let left = end.timeIntervalSinceNow
            if left <= 0 { return }
            Thread.sleep(forTimeInterval: min(left, 0.05))
        }
    }
}
