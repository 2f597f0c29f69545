import Foundation
import PostgresNIO

/// A failure of the PostgreSQL store that is not the device's doing: what was being done, on which database, and
/// what to check. Requests that meet one are answered with a logged 500, or 503 `store_unavailable` when the server
/// cannot be reached (``isUnavailable``; ``ErrorBodyMiddleware``).
public struct PostgresStoreError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable {
        case failed(action: String, reason: String)
        /// The server could not be reached or the connection to it broke.
        case unavailable(action: String, reason: String)
        case newerSchema(migration: String)
        case corrupt(String)
    }

    private let code: Code
    /// The database, password hidden.
    public let location: String

    /// `action` failed on the server or the connection; `error` is PostgreSQL's or the connection's own report.
    static func failed(_ action: String, at location: PostgresStoreLocation, error: any Error) -> PostgresStoreError {
        let reason: String
        if let error = error as? PSQLError {
            // PSQLError's `description` hides the server's message on purpose; its debug text carries it.
            reason = error.serverInfo?[.message] ?? String(reflecting: error)
        } else {
            reason = String(describing: error)
        }
        let code: Code = isConnectionFailure(error) ? .unavailable(action: action, reason: reason) : .failed(action: action, reason: reason)
        return PostgresStoreError(code: code, location: location.description)
    }

    /// Whether the failure is the server's absence, not a statement's: no connection could be made (the pool's
    /// circuit breaker trips after a minute of failed attempts; its error type is in a module PostgresNIO does not
    /// export, so it is recognised by name), none came within the relay's bound (``ConnectionWait``), or the
    /// connection broke.
    private static func isConnectionFailure(_ error: any Error) -> Bool {
        if error is ConnectionWait.Expired { return true }
        if let error = error as? PSQLError {
            return [.connectionError, .serverClosedConnection, .clientClosedConnection].contains(error.code)
        }
        return String(reflecting: type(of: error)).hasSuffix("ConnectionPoolError")
    }

    /// Whether the server could not be reached (answered 503 `store_unavailable`; every other failure is a 500).
    public var isUnavailable: Bool {
        if case .unavailable = code { return true }
        return false
    }

    /// The error to report for a failure while doing `action`: a domain or store error as it is; the server's or
    /// the connection's (inside a transaction or not) wrapped with what was being done.
    static func reporting(_ error: any Error, while action: String, at location: PostgresStoreLocation) -> any Error {
        switch error {
        case let error as RelayError:
            return error
        case let error as PostgresStoreError:
            return error
        case let error as PostgresTransactionError:
            if let inner = error.closureError { return reporting(inner, while: action, at: location) }
            return failed(action, at: location, error: error.beginError ?? error.commitError ?? error)
        default:
            return failed(action, at: location, error: error)
        }
    }

    static func newerSchema(_ migration: String, at location: PostgresStoreLocation) -> PostgresStoreError {
        PostgresStoreError(code: .newerSchema(migration: migration), location: location.description)
    }

    static func corrupt(_ what: String, at location: PostgresStoreLocation) -> PostgresStoreError {
        PostgresStoreError(code: .corrupt(what), location: location.description)
    }

    public var description: String {
        switch code {
        case .failed(let action, let reason):
            "Could not \(action) in the PostgreSQL store \(location): \(reason). Check that the server runs, that the URL's user may use the database, and the server's log."
        case .unavailable(let action, let reason):
            "Could not \(action): the PostgreSQL store \(location) cannot be reached (\(reason)). Check that the server runs and that this machine reaches it; the relay retries on its own."
        case .newerSchema(let migration):
            "The PostgreSQL store \(location) holds the migration \"\(migration)\", which this onsite-relay does not know: a newer relay migrated it. Run that newer onsite-relay."
        case .corrupt(let what):
            "The PostgreSQL store \(location) is damaged: \(what). Restore it from a backup or migrate it again from the SQLite store."
        }
    }
}
