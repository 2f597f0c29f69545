import Foundation
import GRDB
import OnSiteStorage
import OnSiteCore
import OnSiteSync

/// Any error a field command can meet, as one sentence that says what happened and what to do.
///
/// Client errors already are sentences; database, decoding and file-system errors are explained here, so a
/// person never reads `SQLite error 14` or `NSCocoaErrorDomain error 4`.
///
/// ```swift
/// } catch {
///     let failure = FailureExplanation(error, replica: folder)
///     print("error: \(failure.sentence)")
///     exit(failure.isTemporary ? 75 : 1)   // onsite maps each ``FailureClass`` to its own code
/// }
/// ```
public struct FailureExplanation: Sendable, Hashable, CustomStringConvertible {
    /// What happened and what to do.
    public let sentence: String
    /// What kind of failure it is: decides the exit code, and whether trying again later may help.
    public let failureClass: FailureClass
    /// Whether trying again later may work as is (the relay was unreachable, the replica was busy).
    public var isTemporary: Bool { failureClass == .temporary }

    /// - Parameter replica: the replica folder the command worked on, named in the sentences about it.
    public init(_ error: any Error, replica: URL? = nil) {
        let place = replica.map { "the replica in \($0.path)" } ?? "the replica"
        switch error {
        case let error as ClientError:
            (sentence, failureClass) = (error.description, error.failureClass)
        case let error as DatabaseError:
            let (text, temporary) = Self.explain(error, place: place)
            (sentence, failureClass) = (text, temporary ? FailureClass.temporary : FailureClass.refused)
        case let error as DecodingError:
            (sentence, failureClass) = (Self.explain(error, place: place), FailureClass.refused)
        case let error as WireDecodingError:
            (sentence, failureClass) = ("Data in \(place) could not be read: \(error.description) It may have been written by a newer onsite; update onsite.", FailureClass.refused)
        case let error as NSError where error.domain == NSPOSIXErrorDomain:
            // Before CocoaError: on Linux an NSError of the POSIX domain also casts to CocoaError.
            (sentence, failureClass) = (Self.explain(errno: Int32(error.code), path: error.userInfo[NSFilePathErrorKey] as? String), FailureClass.refused)
        case let error as CocoaError:
            (sentence, failureClass) = (Self.explain(error), FailureClass.refused)
        case let error as POSIXError:
            (sentence, failureClass) = (Self.explain(errno: error.code.rawValue, path: nil), FailureClass.refused)
        case let error as FileFailure:
            (sentence, failureClass) = (Self.explain(errno: error.code, path: error.path), FailureClass.refused)
        case let error as DataFileError:
            (sentence, failureClass) = (error.description, FailureClass.refused)
        case let error as EvidenceBundleError:
            // A refused bundle, or one that cannot be written: something must change, a retry would not help.
            (sentence, failureClass) = (error.description, FailureClass.refused)
        default:
            (sentence, failureClass) = ("\(error)", FailureClass.refused)
        }
    }

    public var description: String { sentence }

    // MARK: SQLite

    static func explain(_ error: DatabaseError, place: String) -> (String, Bool) {
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            ("\(place.capitalizedFirst) is busy: another onsite command is using it. Wait for it to finish and try again; nothing was changed.", true)
        case .SQLITE_FULL:
            ("The disk holding \(place) is full. Free some space and try again; nothing was changed and nothing was lost.", false)
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_AUTH:
            ("\(place.capitalizedFirst) cannot be written: its folder or file is read-only for this user. Fix the permissions, or run onsite as the user who created it.", false)
        case .SQLITE_CANTOPEN:
            ("\(place.capitalizedFirst) cannot be opened: its folder is missing, not accessible, or replica.sqlite is not a file. Check --replica (or $ONSITE_HOME) and the folder's permissions.", false)
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            ("\(place.capitalizedFirst) is damaged: replica.sqlite is not a valid database. Move the folder aside, then `onsite init` and `onsite enroll` again; changes not yet synced stay in the old file for recovery.", false)
        case .SQLITE_IOERR:
            ("Reading or writing \(place) failed at the disk (I/O error). Check the disk and free space, then try again.", false)
        default:
            ("\(place.capitalizedFirst) refused the operation (\(error.message ?? "database error \(error.resultCode.rawValue)")). Nothing was changed; report this if it persists.", false)
        }
    }

    // MARK: Decoding

    static func explain(_ error: DecodingError, place: String) -> String {
        let context: DecodingError.Context
        switch error {
        case .typeMismatch(_, let found), .valueNotFound(_, let found), .keyNotFound(_, let found), .dataCorrupted(let found):
            context = found
        @unknown default:
            return "Data in \(place) could not be read. It may have been written by a newer onsite; update onsite."
        }
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        return "Data in \(place) could not be read\(path.isEmpty ? "" : " at `\(path)`"): \(context.debugDescription) It may have been written by a newer onsite; update onsite."
    }

    // MARK: Files

    static func explain(_ error: CocoaError) -> String {
        let path = (error.userInfo[NSFilePathErrorKey] as? String) ?? (error.userInfo[NSURLErrorKey] as? URL)?.path
        let file = path.map { "`\($0)`" } ?? "the file"
        switch error.code {
        case .fileNoSuchFile, .fileReadNoSuchFile:
            return "There is no \(file). Check the path."
        case .fileReadNoPermission:
            return "\(file.capitalizedFirst) cannot be read: no permission. Fix its permissions or copy it somewhere readable."
        case .fileWriteNoPermission:
            return "\(file.capitalizedFirst) cannot be written: no permission. Fix the folder's permissions."
        case .fileWriteOutOfSpace:
            return "The disk is full while writing \(file). Free some space and try again."
        case .fileWriteVolumeReadOnly:
            return "\(file.capitalizedFirst) is on a read-only disk. Use a writable folder."
        case .fileWriteFileExists:
            return "\(file.capitalizedFirst) already exists."
        case .fileReadCorruptFile, .fileReadInapplicableStringEncoding:
            return "\(file.capitalizedFirst) could not be read: it is damaged or not in the expected format."
        default:
            if let underlying = error.underlying as? POSIXError {
                return explain(errno: underlying.code.rawValue, path: path)
            }
            return "A file operation on \(file) failed (\(error.code.rawValue)). Check the path, the permissions and the free space."
        }
    }

    static func explain(errno code: Int32, path: String?) -> String {
        let file = path.map { "`\($0)`" } ?? "a file or folder"
        switch code {
        case ENOENT: return "There is no \(file). Check the path."
        case EACCES, EPERM: return "No permission to use \(file). Fix its permissions, or run onsite as the user who owns it."
        case ENOSPC: return "The disk is full. Free some space and try again."
        case EROFS: return "\(file.capitalizedFirst) is on a read-only disk. Use a writable folder."
        case ENOTDIR: return "A part of the path to \(file) is not a folder. Check the path."
        case EISDIR: return "\(file.capitalizedFirst) is a folder where a file was expected. Check the path."
        default: return "Using \(file) failed: \(String(cString: strerror(code)))."
        }
    }
}

extension String {
    fileprivate var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
