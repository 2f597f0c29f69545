import Foundation
import GRDB
import OnSiteStorage
import OnSiteCore
import OnSiteSync

/// The field replica: one SQLite file (WAL) holding the reports of the device's scope, the outbox of
/// operations not yet acknowledged, and the sync state.
///
/// Each report is kept twice: `base`, merged from what the relay confirmed, and `state`, the base
/// with the device's pending operations applied on top: what the officer sees. Every command that
/// changes data writes the new state and the queued operation in one transaction.
public struct Replica: Sendable {
    let writer: any DatabaseWriter
    /// The replica folder: the blob store lives in `blobs/`, the pinned CA beside the database.
    public let directory: URL

    /// The device's clock (the system clock; tests pass a skewed or virtual one).
    public let clock: @Sendable () -> Date

    /// The files and folders opening the replica made private (they were readable by others: made by an older
    /// onsite or copied in); empty when everything was private already. The command line says so.
    public private(set) var permissionsTightened: [String] = []

    /// Opens the replica in `directory` (`replica.sqlite`, WAL), creating it (and migrating it) when needed.
    ///
    /// The folder is made private (0700, its files 0600; see ``permissionsTightened``), and copies an import or a
    /// download killed more than an hour ago left in `blobs/tmp` are deleted, as are photos an attach killed more than
    /// an hour ago published and never recorded (``sweepAbandonedImports(olderThan:)``).
    ///
    /// - Throws: file-system errors when the folder cannot be made; `DatabaseError` when the database
    ///   cannot be opened or migrated (see ``FailureExplanation``).
    public init(directory: URL, clock: @escaping @Sendable () -> Date = { Date() }) throws {
        permissionsTightened = try PrivateFolder.secure(directory.path, recursive: false)
        let path = directory.appendingPathComponent("replica.sqlite").path
        try DurableDatabase.createPrivately(path)
        let pool = try DurableDatabase.pool(path: path, configuration: Self.configuration)
        self.writer = pool
        self.directory = directory
        self.clock = clock
        try Self.migrator.migrate(pool)
        let anHourAgo = Date().addingTimeInterval(-3600)
        blobs.sweepTemporaryFiles(olderThan: anHourAgo)
        sweepAbandonedImports(olderThan: anHourAgo)
    }

    /// Opens the replica in `directory` for reading only (`onsite status`, `list`, `show`): no migration, no sweep, no
    /// database write, so it works on a full disk (see ``openForReading(_:)``). The folder is still made private
    /// (a change of mode needs no free space).
    ///
    /// - Throws: ``ReadOnlyOpenError`` when the replica needs a migration first; `DatabaseError` when SQLite cannot
    ///   read it.
    public init(readingOnly directory: URL, clock: @escaping @Sendable () -> Date = { Date() }) throws {
        permissionsTightened = try PrivateFolder.secure(directory.path, recursive: false)
        self.writer = try Self.openForReading(directory.appendingPathComponent("replica.sqlite").path)
        self.directory = directory
        self.clock = clock
    }

    /// A replica on a database of the caller's choosing, migrated: an in-memory `DatabaseQueue()` in tests.
    /// Photos still go to `directory/blobs`.
    ///
    /// ```swift
    /// let replica = try Replica(writer: DatabaseQueue(configuration: Replica.configuration), directory: folder)
    /// ```
    public init(writer: any DatabaseWriter, directory: URL, clock: @escaping @Sendable () -> Date = { Date() }) throws {
        self.writer = writer
        self.directory = directory
        self.clock = clock
        try Self.migrator.migrate(writer)
    }

    /// Foreign keys on, a 10 s wait for a busy database, and full fsync on commit (``DurableDatabase``).
    public static var configuration: Configuration { DurableDatabase.configuration }

    /// Whether a replica already exists in `directory`.
    public static func exists(in directory: URL) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("replica.sqlite").path)
    }
}

extension Replica {
    /// A replica whose database lives in memory (photos in `directory/blobs`): for tests and previews.
    public static func inMemory(directory: URL, clock: @escaping @Sendable () -> Date = { Date() }) throws -> Replica {
        try Replica(writer: DatabaseQueue(configuration: configuration), directory: directory, clock: clock)
    }
}
