import Foundation
import OnSiteRelayProcess
#if canImport(Glibc)
import Glibc
#endif

/// The PostgreSQL server the tests run the PostgreSQL store on: `ONSITE_TEST_POSTGRES` (a `postgresql://` URL of a
/// user that may create databases) when given; otherwise a cluster of this test process's own, started once on a
/// free loopback port in a temp folder (`initdb`, `pg_ctl`; as the user `postgres` when the tests run as root) and
/// stopped, its folder removed, by a watchdog once this process is gone. Each test gets a database of its own.
///
/// Shared by the relay's store tests (in process) and the end-to-end tests (relay processes on one database), so
/// it speaks URLs and PostgreSQL's own programs (`initdb`, `pg_ctl`, `psql`), not a client library.
///
/// ```swift
/// let url = try await PostgresTestCluster.freshDatabaseURL()  // postgresql://postgres@127.0.0.1:PORT/onsite_test_…
/// ```
public enum PostgresTestCluster {
    /// The server's maintenance database URL, started at most once per test process.
    private static let server = Task<URLComponents, any Error> { try startServer() }

    /// The URL of a new, empty database on the test server (`postgresql://USER@HOST:PORT/NAME?sslmode=…`).
    public static func freshDatabaseURL() async throws -> String {
        let server = try await server.value
        let name = "onsite_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        guard let serverURL = server.string else { throw ClusterError("the server URL \(server) cannot be written") }
        // psql reads the URL itself (user, host, port, password, sslmode): the same server a relay is given.
        try run(try binFolder() + "/psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", serverURL, "-c", "CREATE DATABASE \(name)"])
        var database = server
        database.path = "/" + name
        guard let url = database.string else { throw ClusterError("the database URL for \(name) cannot be written") }
        return url
    }

    private static func startServer() throws -> URLComponents {
        if let given = ProcessInfo.processInfo.environment["ONSITE_TEST_POSTGRES"] {
            guard let components = URLComponents(string: given), components.host != nil else {
                throw ClusterError("ONSITE_TEST_POSTGRES is not a postgresql:// URL: write postgresql://USER@HOST:PORT/DATABASE")
            }
            return components
        }
        let bin = try binFolder()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("onsite-pg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        let asRoot = getuid() == 0
        if asRoot {
            // PostgreSQL refuses to run as root: the cluster belongs to the user `postgres`.
            try run("/bin/chown", ["postgres:postgres", folder])
        }
        let data = folder + "/data"
        try run(bin + "/initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"], asPostgres: asRoot)
        let port = try freePort()
        try run(bin + "/pg_ctl", ["-D", data, "-l", folder + "/server.log", "-w", "-t", "60",
                                  "-o", "-p \(port) -k \(folder) -c listen_addresses=127.0.0.1 -c max_connections=400", "start"], asPostgres: asRoot)
        // Stops the cluster and removes its folder once this process is gone, however it ends.
        let watchdog = "while [ -d /proc/\(getpid()) ]; do sleep 1; done; \(bin)/pg_ctl -D \(data) -m immediate stop; rm -rf \(folder)"
        try launch("/bin/sh", ["-c", watchdog], asPostgres: asRoot)
        guard let components = URLComponents(string: "postgresql://postgres@127.0.0.1:\(port)/postgres?sslmode=disable") else {
            throw ClusterError("no URL for port \(port)")
        }
        return components
    }

    /// The newest installed PostgreSQL's programs.
    private static func binFolder() throws -> String {
        guard let folder = PostgresPrograms.folder(having: "initdb") else {
            throw ClusterError("no PostgreSQL server under \(PostgresPrograms.root): install Debian's `postgresql` (Scripts/install-deps.sh), or set ONSITE_TEST_POSTGRES=postgresql://USER@HOST:PORT/DATABASE")
        }
        return folder
    }

    private static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ClusterError("no socket for a free port: errno \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else { throw ClusterError("could not bind a loopback port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// The program and arguments, run as the user `postgres` when asked (through runuser).
    private static func commandLine(_ path: String, _ arguments: [String], asPostgres: Bool) -> [String] {
        asPostgres ? ["/usr/sbin/runuser", "-u", "postgres", "--", path] + arguments : [path] + arguments
    }

    /// Runs a command to its end, its output to a file (never a pipe: the server `pg_ctl` starts would hold it
    /// open), with no other descriptor of this process (``ChildProcess``).
    private static func run(_ path: String, _ arguments: [String], asPostgres: Bool = false) throws {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("onsite-pg-command-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let line = commandLine(path, arguments, asPostgres: asPostgres)
        let child: ChildProcess
        do {
            child = try ChildProcess(line[0], Array(line.dropFirst()), output: .file(outputPath))
        } catch {
            throw ClusterError("cannot start `\(line.joined(separator: " "))`: \(error)")
        }
        let exit = child.wait()
        guard exit == .exited(0) else {
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            throw ClusterError("`\(line.joined(separator: " "))` exited with \(exit.status): \(text)")
        }
    }

    /// Starts a command and leaves it running (never waited for).
    private static func launch(_ path: String, _ arguments: [String], asPostgres: Bool) throws {
        let line = commandLine(path, arguments, asPostgres: asPostgres)
        do {
            _ = try ChildProcess(line[0], Array(line.dropFirst()))
        } catch {
            throw ClusterError("cannot start `\(line.joined(separator: " "))`: \(error)")
        }
    }

    public struct ClusterError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = "The tests' PostgreSQL server: " + description }
    }
}
