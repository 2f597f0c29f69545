import ArgumentParser
import Foundation
import Logging
import OnSiteCore
import OnSiteCrypto
import OnSiteRelay

@main
struct RelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "onsite-relay",
        abstract: "The OnSite relay: takes change sets from field devices, merges them, serves the merged state.",
        subcommands: [Serve.self, Cert.self, DeviceCommand.self, Compact.self])
}

/// Where the relay's configuration comes from: a file, then the environment, then flags.
struct ConfigurationOptions: ParsableArguments {
    @Option(name: .long, help: "The relay's JSON configuration file (see Samples/relay.json).")
    var config: String?

    @Option(name: .long, help: "Overrides the data directory (relay.sqlite and blobs).")
    var data: String?

    func load() throws -> RelayConfiguration {
        var configuration = RelayConfiguration()
        if let config {
            configuration = try RelayConfiguration.load(file: config)
        }
        try configuration.apply(environment: ProcessInfo.processInfo.environment)
        if let data { configuration.dataDirectory = URL(fileURLWithPath: data).standardizedFileURL.path }
        return configuration
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the relay over HTTPS.")

    @OptionGroup var options: ConfigurationOptions
    @Option(help: "Overrides the host to bind.") var host: String?
    @Option(help: "Overrides the port (0 picks a free one).") var port: Int?
    @Flag(help: "Serve plain HTTP (loopback only, behind a TLS proxy).") var plainHTTP = false
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel: String = "info"

    func run() async throws {
        var configuration = try options.load()
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        if plainHTTP { configuration.allowPlainHTTP = true; configuration.tls = nil }
        var logger = Logger(label: "onsite-relay")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let server = try RelayServer(configuration: configuration, logger: logger)
        let scheme = configuration.tls == nil ? "http" : "https"
        let host = configuration.host
        let dataDirectory = configuration.dataDirectory
        let app = try server.makeApplication { port in
            // The one line scripts and tests wait for; unbuffered so a pipe sees it at once.
            let line = "onsite-relay listening on \(scheme)://\(host):\(port) (data: \(dataDirectory))\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
        try await app.runService()
    }
}

struct Cert: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a TLS certificate for a pilot: a small CA and a server certificate signed by it.",
        discussion: "Writes ca.pem (give it to devices: `onsite enroll --ca-cert ca.pem`), cert.pem and key.pem.")

    @Flag(help: "Make a self-signed CA and a server certificate (the only kind for now).") var selfSigned = false
    @Option(help: "The host name or IP address devices use to reach the relay.") var host: String
    @Option(help: "The folder to write ca.pem, cert.pem and key.pem into.") var out: String

    func validate() throws {
        guard selfSigned else { throw ValidationError("Only --self-signed is supported: pass it to make a pilot CA and certificate.") }
    }

    func run() throws {
        let material = try PilotTLSMaterial.make(forHost: host, in: out)
        print("Wrote \(material.caCertificatePath), \(material.certificateChainPath), \(material.privateKeyPath) for \(host).")
        print("Give \(material.caCertificatePath) to devices (onsite enroll --ca-cert); keep key.pem on the relay only.")
    }
}
