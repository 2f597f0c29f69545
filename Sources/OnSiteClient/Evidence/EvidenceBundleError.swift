import Foundation

/// Why an evidence bundle could not be written or read: what, where, and what to do.
public enum EvidenceBundleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file is not a bundle, or a damaged or hostile one (a header, a size, a name); nothing of it is trusted.
    case malformed(String)
    /// A member is larger than a bundle allows.
    case tooLarge(member: String, size: Int64, limit: Int64)
    case cannotRead(String)
    case cannotWrite(String, String)
    /// The report has no evidence the relay can prove (nothing signed to export).
    case nothingToExport(String)

    public var description: String {
        switch self {
        case .malformed(let why):
            "The bundle was refused: \(why). Ask for a new export (`onsite evidence export`)."
        case .tooLarge(let member, let size, let limit):
            "The bundle was refused: member \(member.prefix(100)) holds \(size) bytes, more than the \(limit) a bundle allows."
        case .cannotRead(let path):
            "Cannot read \(path) as a file: check the path (a bundle is one file written by `onsite evidence export`)."
        case .cannotWrite(let path, let why):
            "Cannot write the bundle to \(path): \(why). Nothing was written; check the folder and the free space."
        case .nothingToExport(let report):
            "Report \(report) has no evidence on the relay yet (no verification, photo or workflow step was synced): nothing to export. Sync first (`onsite sync`)."
        }
    }
}
