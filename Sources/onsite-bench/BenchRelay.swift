import Foundation
import OnSiteCore
import OnSiteCrypto

/// A real `onsite-relay` process (the one built next to this executable) on loopback over TLS.
final class BenchRelay {
    let folder: URL
    let config: URL
    let caCertificatePath: String
    private let binary: URL
    private var process: Process?
    private(set) var url = ""

    init(folder: URL, pageSize: Int, maxUploadChunkBytes: Int? = nil) throws {
        self.folder = folder
        binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("onsite-relay")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw BenchError("onsite-relay is not built next to onsite-bench (\(binary.path)); run `swift build` first.")
        }
        let tls = try PilotTLSMaterial.make(forHost: "127.0.0.1", in: folder.appendingPathComponent("tls").path)
        caCertificatePath = tls.caCertificatePath
        config = folder.appendingPathComponent("relay.json")
        let json = """
            {"host": "127.0.0.1", "port": 0, "dataDirectory": "relay-data", "pageSize": \(pageSize),\(maxUploadChunkBytes.map { " \"maxUploadChunkBytes\": \($0)," } ?? "")
             "tls": {"certificateChain": "\(tls.certificateChainPath)", "privateKey": "\(tls.privateKeyPath)"}}
            """
        try Data(json.utf8).write(to: config)
    }

    func addDevice(role: Role, units: [String]) throws -> String {
        let output = try runToEnd(["device", "add", "--config", config.path, "--role", role.rawValue, "--name", "bench \(role.rawValue)", "--json"]
                                  + units.flatMap { ["--unit", $0] })
        guard let range = output.range(of: "\"token\":\""), let end = output[range.upperBound...].firstIndex(of: "\"") else {
            throw BenchError("device add printed no token: \(output)")
        }
        return String(output[range.upperBound..<end])
    }

    func start() throws {
        let log = folder.appendingPathComponent("relay.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--config", config.path, "--log-level", "warning"]
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = process.standardOutput
        try process.run()
        self.process = process
        for _ in 0..<400 {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("onsite-relay listening on ") }) {
                url = String(line.dropFirst("onsite-relay listening on ".count).split(separator: " ")[0])
                return
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw BenchError("the relay did not start; see \(log.path)")
    }

    func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    private func runToEnd(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
