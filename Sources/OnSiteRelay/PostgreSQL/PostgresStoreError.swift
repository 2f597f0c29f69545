import Foundation
import PostgresNIO

/// A failure of the PostgreSQL store that is not the device's doing: what was being done, on which database, and
/// what to check. Requests that meet one are answered with a logged 500 (``ErrorBodyMiddleware``).
public struct PostgresStoreError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable {
        case failed(action: String, reason: String)
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
        return PostgresStoreError(code: .failed(action: action, reason: reason), location: location.description)
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
        case .newerSchema(let migration):
            "The PostgreSQL store \(location) holds the migration \"\(migration)\", which this onsite-relay does not know: a newer relay migrated it. Run that newer onsite-relay."
        case .corrupt(let what):
            "The PostgreSQL store \(location) is damaged: \(what). Restore it from a backup or migrate it again from the SQLite store."
        }
    }
}
