import Foundation
import Logging
import OnSiteCore
import OnSiteSync

/// What an officer, a hub or a supervisor does with the field client, without the command line.
///
/// One type over the ``Replica`` and the ``SyncEngine``: enrol, record notes, field edits, verifications,
/// photos and workflow steps, resolve conflicts, sync, and read reports. Every rule of those use cases lives
/// here, so `onsite` only parses arguments and renders what comes back, and tests drive it in process.
///
/// ```swift
/// let client = try FieldClient(opening: folder)
/// try await client.addNote("Đã liên hệ tổ trưởng", to: "DB-2024-00101")
/// let summary = try await client.sync(SyncOptions())
/// ```
public struct FieldClient: Sendable {
    public let replica: Replica
    public var logger: Logger?
    /// How photos are checked against their report's place and time when recorded; the distance threshold
    /// used is kept with each photo's record (``OnSiteCore/CaptureCheck/farThreshold``).
    public var photoChecker = PhotoChecker()

    public init(replica: Replica, logger: Logger? = nil) {
        self.replica = replica
        self.logger = logger
    }

    /// Opens the replica in `directory`; refuses to create one implicitly (that is ``create(in:)``'s job).
    ///
    /// - Throws: ``ClientError`` when there is no replica there; database errors when it cannot be opened.
    public init(opening directory: URL, logger: Logger? = nil) throws {
        guard Replica.exists(in: directory) else { throw ClientError.noReplica(directory.path) }
        self.init(replica: try Replica(directory: directory), logger: logger)
    }

    /// Opens an existing replica for reading only (``Replica/init(readingOnly:clock:)``): what `onsite status`, `list`
    /// and `show` use, so they work on a full disk. A replica that needs a migration, or that this cannot open, is
    /// opened as usual.
    ///
    /// - Throws: ``ClientError/noReplica(_:)`` when there is none; SQLite's error when it cannot be read.
    public init(readingOnly directory: URL, logger: Logger? = nil) throws {
        guard Replica.exists(in: directory) else { throw ClientError.noReplica(directory.path) }
        let replica: Replica
        do {
            replica = try Replica(readingOnly: directory)
        } catch {
            // A replica that needs a migration, or one that cannot be read at all (damaged, a folder in place of
            // the file): the usual open migrates it, or fails with the error its explanation knows.
            replica = try Replica(directory: directory)
        }
        self.init(replica: replica, logger: logger)
    }

    /// Whether a replica exists in `directory`.
    public static func exists(in directory: URL) -> Bool { Replica.exists(in: directory) }

    /// Creates an empty replica in `directory`, or opens the one there.
    public init(creating directory: URL, logger: Logger? = nil) throws {
        self.init(replica: try Replica(directory: directory), logger: logger)
    }

    /// Creates an empty replica in `directory` (or opens the one there). Returns whether it already existed.
    @discardableResult
    public static func create(in directory: URL) throws -> Bool {
        let existed = Replica.exists(in: directory)
        _ = try Replica(directory: directory)
        return existed
    }

    /// The enrolment, or ``ClientError/notEnrolled``.
    public func enrolment() async throws -> Enrolment {
        guard let enrolment = try await replica.enrolment() else { throw ClientError.notEnrolled }
        return enrolment
    }

    /// The sync engine over this replica.
    public var engine: SyncEngine { SyncEngine(replica: replica, logger: logger) }

    /// The time stamps of recorded work use: the replica's clock, rounded as the wire carries it.
    func now() -> Date { WireDate.rounded(replica.clock()) }
}
