import ArgumentParser
import Foundation
import Logging
import OnSiteCore
import OnSiteCrypto
import OnSiteRelay
import OnSiteStorage
import OnSiteSync

@main
struct RelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "onsite-relay",
        abstract: "The OnSite relay: takes change sets from field devices, merges them, serves the merged state.",
        version: OnSiteVersion.description,
        subcommands: [Serve.self, Migrate.self, Cert.self, DeviceCommand.self, Compact.self, Backup.self, Restore.self, Audit.self])

    /// Sets a private umask (the store holds token hashes and reporters' phone numbers), then parses and runs.
    static func main() async {
        PrivateFolder.restrictNewFiles()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

/// Where the relay's configuration comes from: a file, then the environment, then flags.
struct ConfigurationOptions: ParsableArguments {
    @Option(name: .long, help: "The relay's JSON configuration file (see Samples/relay.json).")
    var config: String?

    @Option(name: .long, help: "Overrides the data directory (relay.sqlite, blobs and the relay's key).")
    var data: String?

    func load() throws(RelayConfigurationError) -> RelayConfiguration {
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
    @Option(help: "Log lines as text or json (one JSON object a line, on standard error).") var logFormat: LogFormat = .text

    enum LogFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    func run() async throws {
        var configuration = try options.load()
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        if plainHTTP { configuration.allowPlainHTTP = true; configuration.tls = nil }
        if logFormat == .json { LoggingSystem.bootstrap { label in JSONLogHandler(label: label) } }
        var logger = Logger(label: "onsite-relay")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        try configuration.validate()
        // Held until this function returns: a second `serve` on the same folder refuses, naming this pid.
        let dataFolder = try RelayDataFolder.claim(configuration, logger: logger)
        let hangUp = Self.ignoreHangUp(logger: logger)
        // The configured store, migrated now (a PostgreSQL store's pool then runs as one of the app's services).
        let server = try await RelayServer.open(configuration: configuration, logger: logger)
        let scheme = configuration.tls == nil ? "http" : "https"
        let host = configuration.host
        let dataDirectory = configuration.dataDirectory
        let store = try configuration.storeLocation().description
        let app = try server.makeApplication { port in
            // The one line scripts and tests wait for; unbuffered so a pipe sees it at once.
            let line = "onsite-relay listening on \(scheme)://\(host):\(port) (data: \(dataDirectory))\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
        logger.notice("onsite-relay started", metadata: [
            "relay.version": .string(OnSiteVersion.description), "relay.pid": .stringConvertible(getpid()),
            "relay.data": .string(dataDirectory), "relay.store": .string(store),
        ])
        try await app.runService()
        // runService returns after SIGTERM or SIGINT once open requests are answered and the server is closed.
        logger.notice("onsite-relay stopped gracefully: open requests were answered, the database is closed", metadata: [
            "relay.pid": .stringConvertible(getpid()),
        ])
        withExtendedLifetime((dataFolder, hangUp)) {}
    }

    /// SIGHUP does not stop the relay: it logs to standard output and error (journald or the supervisor keeps the
    /// files), so there is no log file to reopen; the signal is noted in the log and otherwise ignored.
    static func ignoreHangUp(logger: Logger) -> any DispatchSourceSignal {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP)
        source.setEventHandler {
            logger.notice("SIGHUP received and ignored: the relay logs to standard output and error, there is no log file to reopen; stop it with SIGTERM")
        }
        source.resume()
        return source
    }
}

struct Cert: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a TLS certificate for a pilot: a small CA and a server certificate signed by it.",
        discussion: """
            --self-signed writes ca.pem (give it to devices: `onsite enroll --ca-cert ca.pem`), ca-key.pem (0600), cert.pem and \
            key.pem into a new folder; it refuses a folder that holds them already. --renew issues a new cert.pem and key.pem \
            from the same CA (devices keep their pinned ca.pem); restart the relay to serve it.
            """)

    @Flag(help: "Make a self-signed CA and a server certificate in a new folder.") var selfSigned = false
    @Flag(help: "Issue a new server certificate from the CA already in --out (ca.pem and ca-key.pem).") var renew = false
    @Option(help: "The host name or IP address devices use to reach the relay.") var host: String
    @Option(help: "The folder of ca.pem, ca-key.pem, cert.pem and key.pem.") var out: String

    func validate() throws {
        guard selfSigned != renew else {
            throw ValidationError("Pass --self-signed to make a pilot CA and certificate, or --renew to issue a new certificate from the CA in --out.")
        }
    }

    func run() throws {
        if renew {
            let material = try PilotTLSMaterial.renew(forHost: host, in: out)
            print("Wrote a new \(material.certificateChainPath) and \(material.privateKeyPath) for \(host), signed by \(material.caCertificatePath), valid until \(material.notAfter.formatted(.iso8601)).")
            print("Devices keep their pinned ca.pem; restart the relay to serve the new certificate.")
            return
        }
        let material = try PilotTLSMaterial.make(forHost: host, in: out)
        print("Wrote \(material.caCertificatePath), \(material.caPrivateKeyPath), \(material.certificateChainPath), \(material.privateKeyPath) for \(host).")
        print("Give \(material.caCertificatePath) to devices (onsite enroll --ca-cert); keep key.pem on the relay only, and ca-key.pem with the administrator (`cert --renew` needs it).")
    }
}
