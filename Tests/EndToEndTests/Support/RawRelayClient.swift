import Foundation
import OnSiteRelayProcess
#if canImport(Glibc)
import Glibc
#endif

/// Requests to a real relay over TLS with the `curl` and `openssl` command-line tools, for tests that need
/// exact control of what goes on the wire (a hostile or broken device rather than the `onsite` client).
struct RawRelayClient {
    let relay: RelayProcess

    struct Answer {
        var status: Int
        var body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// One request with `curl`; `body` is sent as is. Fails the test only when curl itself fails (no answer).
    func request(_ method: String, _ path: String, token: String? = nil, headers: [String: String] = [:], body: Data? = nil,
                 maxSeconds: Int = 10) throws -> Answer {
        let scratch = relay.folder.appendingPathComponent("curl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let output = scratch.appendingPathComponent("body")
        var arguments = ["-sS", "--max-time", String(maxSeconds), "--cacert", relay.caCertificate.path, "-X", method,
                         "-o", output.path, "-w", "%{http_code}"]
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { arguments += ["-H", "\(name): \(value)"] }
        if let body {
            let input = scratch.appendingPathComponent("request")
            try body.write(to: input)
            arguments += ["--data-binary", "@\(input.path)"]
        }
        let result = try run(URL(fileURLWithPath: "/usr/bin/curl"), arguments + [relay.url + path])
        guard let status = Int(result.output.trimmingCharacters(in: .whitespacesAndNewlines)), status > 0 else {
            throw E2EError("curl \(method) \(path) got no answer: \(result.combined)")
        }
        return Answer(status: status, body: (try? Data(contentsOf: output)) ?? Data())
    }

    /// Opens a TLS connection with `openssl s_client`, sends `bytes`, then stays silent with the connection open
    /// (no FIN, no RST) until ``StalledConnection/close()``: a radio link that died in the middle of a request.
    func stall(after bytes: Data) throws -> StalledConnection {
        let process = try ChildProcess("/usr/bin/openssl", ["s_client", "-quiet", "-connect", "127.0.0.1:\(relay.port)", "-CAfile", relay.caCertificate.path],
                                       input: .pipe)
        try process.input?.write(contentsOf: bytes)
        return StalledConnection(process: process)
    }

    /// Opens `count` plain TCP connections to the relay's port that never send a byte (not even a TLS hello).
    func silentConnections(_ count: Int) throws -> [Int32] {
        var sockets: [Int32] = []
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw E2EError("socket failed after \(sockets.count) connections") }
            // A relay that stopped accepting fills its backlog; connect then waits for minutes. 2 s is plenty here.
            var timeout = timeval(tv_sec: 2, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(relay.port).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else {
                sockets.forEach { close($0) }
                close(fd)
                throw E2EError("connect failed after \(sockets.count) connections: errno \(errno)")
            }
            sockets.append(fd)
        }
        return sockets
    }
}

/// A TLS connection left silent in the middle of a request.
final class StalledConnection: @unchecked Sendable {
    // @unchecked: used from one test task; `process` is an immutable reference.
    private let process: ChildProcess

    init(process: ChildProcess) {
        self.process = process
    }

    /// Whether the relay still has the connection open (`s_client` exits when the relay closes it).
    var isOpen: Bool { process.isRunning }

    /// Kills `s_client` (SIGKILL) and waits up to 5 s for it to go.
    func close() {
        try? process.input?.close()
        process.send(SIGKILL)
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    }

    deinit { close() }
}
