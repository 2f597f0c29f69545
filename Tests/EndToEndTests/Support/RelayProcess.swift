import Foundation
import Testing

/// A real `onsite-relay serve` process on loopback over TLS, in a temporary folder of its own.
final class RelayProcess: @unchecked Sendable {
    // @unchecked: `process` is set once in init and only read afterwards; tests use one relay from one task.
    let folder: URL
    let config: URL
    let caCertificate: URL
    private(set) var port: Int = 0
    private var process: Process?
    /// When set, the relay runs with at most this many open files (`ulimit -n`), like a small server.
    var openFileLimit: Int?

    var url: String { "https://127.0.0.1:\(port)" }
    /// The relay's process id while it runs.
    var processIdentifier: Int32? { process?.processIdentifier }

    /// - Parameter extraConfiguration: more keys for `relay.json`, e.g. `"connections": {"maxConnections": 100}`.
    init(extraConfiguration: String = "") throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("onsite-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let tls = folder.appendingPathComponent("tls")
        let made = try run(Binaries.relay, ["cert", "--self-signed", "--host", "127.0.0.1", "--out", tls.path])
        guard made.status == 0 else { throw E2EError("cert failed: \(made.combined)") }
        caCertificate = tls.appendingPathComponent("ca.pem")
        config = folder.appendingPathComponent("relay.json")
        let json = """
            {"host": "127.0.0.1", "port": 0, "dataDirectory": "data", "pageSize": 50,
             "tls": {"certificateChain": "tls/cert.pem", "privateKey": "tls/key.pem"}\(extraConfiguration.isEmpty ? "" : ", " + extraConfiguration)}
            """
        try Data(json.utf8).write(to: config)
    }

    /// Enrols a device and returns its token.
    func addDevice(role: String, name: String, units: [String]) throws -> String {
        let result = try run(Binaries.relay, ["device", "add", "--config", config.path, "--role", role, "--name", name, "--json"]
                             + units.flatMap { ["--unit", $0] })
        guard result.status == 0, let data = result.output.data(using: .utf8),
              let object = try JSONSerialization.jsonObject(with: data) as? [String: String], let token = object["token"]
        else { throw E2EError("device add failed: \(result.combined)") }
        return token
    }

    /// Starts the relay (on the same port after the first start) and waits until it listens.
    func start() throws {
        let process = Process()
        let arguments = ["serve", "--config", config.path, "--log-level", "warning"] + (port == 0 ? [] : ["--port", String(port)])
        if let openFileLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -n \(openFileLimit) && exec \"$0\" \"$@\"", Binaries.relay.path] + arguments
        } else {
            process.executableURL = Binaries.relay
            process.arguments = arguments
        }
        let log = folder.appendingPathComponent("relay-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = process.standardOutput
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("onsite-relay listening on") }),
               let portText = line.split(separator: ":").dropFirst(2).first?.prefix(while: \.isNumber), let port = Int(portText) {
                self.port = port
                return
            }
            guard process.isRunning else { throw E2EError("relay exited: \(text)") }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw E2EError("relay did not start within 20 s")
    }

    /// Stops the relay as a crash would (SIGKILL) or politely (SIGTERM).
    func stop(kill: Bool = false) {
        guard let process, process.isRunning else { return }
        if kill { Foundation.kill(process.processIdentifier, SIGKILL) } else { process.terminate() }
        process.waitUntilExit()
    }

    /// Freezes the relay: connections are accepted by the kernel but nothing is answered.
    func pause() { if let process { Foundation.kill(process.processIdentifier, SIGSTOP) } }
    func resume() { if let process { Foundation.kill(process.processIdentifier, SIGCONT) } }

    deinit {
        resume()
        stop()
        try? FileManager.default.removeItem(at: folder)
    }
}

struct E2EError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
