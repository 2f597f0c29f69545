import Foundation
import PostgresNIO

/// Where a PostgreSQL store lives: `postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]`
/// (`postgres://` is read the same). The password never appears in ``description``.
///
/// ```swift
/// let location = try PostgresStoreLocation("postgresql://onsite@127.0.0.1:5432/onsite?sslmode=disable")
/// ```
public struct PostgresStoreLocation: Sendable, Hashable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, Hashable {
        /// Plain TCP: a server on loopback or a private link.
        case disable
        /// TLS when the server offers it.
        case prefer
        /// TLS or no connection.
        case require
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tlsMode: TLSMode

    /// Whether `text` names a PostgreSQL store rather than a data folder.
    public static func isPostgresURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    public init(host: String, port: Int = 5432, username: String, password: String? = nil, database: String, tlsMode: TLSMode = .prefer) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tlsMode = tlsMode
    }

    /// Reads a `postgresql://` URL.
    /// - Throws: ``RelayConfigurationError`` naming what is missing or wrong.
    public init(_ text: String) throws(RelayConfigurationError) {
        let shown = Self.withoutPassword(text)
        guard Self.isPostgresURL(text), let components = URLComponents(string: text) else {
            throw RelayConfigurationError("The store \"\(shown)\" is not a PostgreSQL URL: write postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE.")
        }
        guard let host = components.host, !host.isEmpty else {
            throw RelayConfigurationError("The store \"\(shown)\" names no host: write postgresql://USER@HOST[:PORT]/DATABASE.")
        }
        guard let username = components.user, !username.isEmpty else {
            throw RelayConfigurationError("The store \"\(shown)\" names no user: write postgresql://USER@\(host)/DATABASE.")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw RelayConfigurationError("The store \"\(shown)\" names no database: write postgresql://\(username)@\(host)/DATABASE.")
        }
        var tlsMode = TLSMode.prefer
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode", let value = item.value, let mode = TLSMode(rawValue: value) else {
                throw RelayConfigurationError("The store \"\(shown)\" has the parameter `\(item.name)=\(item.value ?? "")`; only sslmode=disable, prefer or require is read.")
            }
            tlsMode = mode
        }
        self.init(host: host, port: components.port ?? 5432, username: username, password: components.password,
                  database: database, tlsMode: tlsMode)
    }

    /// The URL with the password hidden.
    public var description: String {
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        return "postgresql://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)?sslmode=\(tlsMode.rawValue)"
    }

    /// The same server and user, another database (tests make one database each).
    public func database(_ name: String) -> PostgresStoreLocation {
        var location = self
        location.database = name
        return location
    }

    /// The pool's configuration for postgres-nio.
    func clientConfiguration() -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = switch tlsMode {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
        return PostgresClient.Configuration(host: host, port: port, username: username, password: password, database: database, tls: tls)
    }

    /// One connection's configuration (migrations use one of their own, which fails at once when the server is
    /// unreachable, where the pool would keep retrying).
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS = switch tlsMode {
        case .disable: .disable
        case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        return PostgresConnection.Configuration(host: host, port: port, username: username, password: password, database: database, tls: tls)
    }

    private static func withoutPassword(_ text: String) -> String {
        guard let components = URLComponents(string: text), components.password != nil else { return text }
        var shown = components
        shown.password = "***"
        return shown.string ?? "postgresql://…"
    }
}
