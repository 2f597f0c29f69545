import Foundation

/// A real `onsite-relay serve` process on loopback over TLS, in a folder of its own: what the benchmarks and the
/// end-to-end tests run against (one launcher for both).
///
/// ```swift
/// let relay = try RelayProcess(binary: relayBinary, folder: scratch)
/// let token = try relay.addDevice(role: "officer", name: "Lan", units: ["phuong-muong-thanh"])
/// try relay.start()
/// defer { relay.stop() }
/// ```
public final class RelayProcess: @unchecked Sendable {
    // @unchecked: `process` and `port` change only in start/stop, which one task calls; the rest is immutable.
    public let binary: URL
    public let folder: URL
    public let config: URL
    /// The pilot CA devices pin (`onsite enroll --ca-cert`).
    public let caCertificate: URL
    public private(set) var port: Int = 0
    private var process: ChildProcess?
    /// When set, the relay runs with at most this many open files (`ulimit -n`), like a small server.
    public var openFileLimit: Int?
    /// `--log-level` (warning by default: quiet benchmarks and tests); `info` shows the access log.
    public var logLevel = "warning"
    /// More `serve` arguments, e.g. `["--log-format", "json"]`.
    public var extraServeArguments: [String] = []
    /// Where the running (or last) relay writes its standard output and error.
    public private(set) var logFile: URL?
    /// Whether the folder is deleted when the object goes (a temporary folder made for it).
    private let ownsFolder: Bool

    public var url: String { "https://127.0.0.1:\(port)" }
    public var caCertificatePath: String { caCertificate.path }
    /// The relay's process id while it runs.
    public var processIdentifier: Int32? { process?.pid }

    /// Makes a pilot TLS pair (`onsite-relay cert`) and `relay.json` in `folder` (a new temporary folder when nil).
    ///
    /// - Parameters:
    ///   - dataDirectory: the relay's data folder; `folder/data` when nil. Relays on one PostgreSQL store share one.
    ///   - tlsFrom: a relay whose certificate and CA this one serves too (copied), so that devices pinning that CA
    ///     reach both: relays behind one name.
    ///   - extraConfiguration: more keys for `relay.json`, e.g. `"connections": {"maxConnections": 100}` or
    ///     `"store": "postgresql://…"`.
    public init(binary: URL, folder: URL? = nil, pageSize: Int = 50, dataDirectory: URL? = nil, tlsFrom: RelayProcess? = nil,
                extraConfiguration: String = "") throws {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw RelayProcessError("onsite-relay is not built at \(binary.path); run `swift build` first.")
        }
        self.binary = binary
        ownsFolder = folder == nil
        self.folder = folder ?? FileManager.default.temporaryDirectory.appendingPathComponent("onsite-relay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.folder, withIntermediateDirectories: true)
        let tls = self.folder.appendingPathComponent("tls")
        if let tlsFrom {
            try FileManager.default.copyItem(at: tlsFrom.folder.appendingPathComponent("tls"), to: tls)
        } else {
            let made = try ProgramRun.run(binary, ["cert", "--self-signed", "--host", "127.0.0.1", "--out", tls.path])
            guard made.status == 0 else { throw RelayProcessError("onsite-relay cert failed: \(made.output)\(made.error)") }
        }
        caCertificate = tls.appendingPathComponent("ca.pem")
        config = self.folder.appendingPathComponent("relay.json")
        let data = dataDirectory?.path ?? "data"
        let json = """
            {"host": "127.0.0.1", "port": 0, "dataDirectory": "\(data)", "pageSize": \(pageSize),
             "tls": {"certificateChain": "tls/cert.pem", "privateKey": "tls/key.pem"}\(extraConfiguration.isEmpty ? "" : ", " + extraConfiguration)}
            """
        try Data(json.utf8).write(to: config)
    }

    /// Enrols a device (`onsite-relay device add`) and returns its token.
    public func addDevice(role: String, name: String, units: [String]) throws -> String {
        let result = try ProgramRun.run(binary, ["device", "add", "--config", config.path, "--role", role, "--name", name, "--json"]
                                  + units.flatMap { ["--unit", $0] })
        guard result.status == 0, let data = result.output.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: String], let token = object["token"]
        else { throw RelayProcessError("onsite-relay device add failed: \(result.output)\(result.error)") }
        return token
    }

    /// Starts the relay (on the same port after the first start) and waits until it listens.
    public func start() throws {
        let arguments = ["serve", "--config", config.path, "--log-level", logLevel] + extraServeArguments
            + (port == 0 ? [] : ["--port", String(port)])
        let executable: String
        let launchArguments: [String]
        if let openFileLimit {
            executable = "/bin/sh"
            launchArguments = ["-c", "ulimit -n \(openFileLimit) && exec \"$0\" \"$@\"", binary.path] + arguments
        } else {
            executable = binary.path
            launchArguments = arguments
        }
        let log = folder.appendingPathComponent("relay-\(UUID().uuidString).log")
        logFile = log
        let process = try ChildProcess(executable, launchArguments, output: .file(log.path), error: .toOutput)
        self.process = process
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("onsite-relay listening on") }),
               let portText = line.split(separator: ":").dropFirst(2).first?.prefix(while: \.isNumber), let port = Int(portText) {
                self.port = port
                return
            }
            guard process.isRunning else { throw RelayProcessError("the relay exited: \(text)") }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw RelayProcessError("the relay did not start within 20 s; see \(log.path)")
    }

    /// Stops the relay as a crash would (SIGKILL) or politely (SIGTERM).
    public func stop(kill: Bool = false) {
        guard let process, process.isRunning else { return }
        process.send(kill ? SIGKILL : SIGTERM)
        process.wait()
    }

    /// Freezes the relay: connections are accepted by the kernel but nothing is answered.
    public func pause() { process?.send(SIGSTOP) }
    public func resume() { process?.send(SIGCONT) }

    deinit {
        resume()
        stop()
        if ownsFolder { try? FileManager.default.removeItem(at: folder) }
    }
}

/// The relay process could not be prepared or started, with what to do.
public struct RelayProcessError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
