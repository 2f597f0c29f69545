import Foundation
import OnSiteStorage
import OnSiteSync

/// A client failure with a sentence that says what happened and what to do.
public struct ClientError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Equatable {
        case notEnrolled
        case noReplica(String)
        case alreadyEnrolled(String)
        case unknownReport(String)
        case invalidInput(String)
        case relayRefused(status: Int, code: ErrorCode, message: String)
        case unreachable(String, pending: PendingWork)
        case badResponse(String)
        case protocolMismatch(got: Int, want: Int)
        case lowDisk(folder: String, needed: Int64, available: Int64)
        case untrustedRelay(String)
        case plainHTTPToTLS(url: String)
    }

    private let code: Code

    public static let notEnrolled = ClientError(code: .notEnrolled)
    public static func noReplica(_ path: String) -> Self { Self(code: .noReplica(path)) }
    public static func alreadyEnrolled(_ relay: String) -> Self { Self(code: .alreadyEnrolled(relay)) }
    public static func unknownReport(_ id: String) -> Self { Self(code: .unknownReport(id)) }
    public static func invalidInput(_ sentence: String) -> Self { Self(code: .invalidInput(sentence)) }
    public static func relayRefused(status: Int, code: ErrorCode, message: String) -> Self {
        Self(code: .relayRefused(status: status, code: code, message: message))
    }
    /// The relay could not be reached; `pending` changes are kept.
    public static func unreachable(_ reason: String, pending: Int) -> Self {
        Self(code: .unreachable(reason, pending: PendingWork(changes: pending)))
    }
    /// The relay could not be reached; `pending` (changes and photos) is kept.
    public static func unreachable(_ reason: String, pending: PendingWork) -> Self { Self(code: .unreachable(reason, pending: pending)) }
    public static func badResponse(_ sentence: String) -> Self { Self(code: .badResponse(sentence)) }
    public static func protocolMismatch(got: Int, want: Int) -> Self { Self(code: .protocolMismatch(got: got, want: want)) }
    /// Not enough free space for a write (a photo copy and its commit); nothing was changed.
    public static func lowDisk(folder: String, needed: Int64, available: Int64) -> Self {
        Self(code: .lowDisk(folder: folder, needed: needed, available: available))
    }
    /// The relay's certificate was refused (not signed by the pinned CA, wrong host name) or the pinned CA is unusable.
    public static func untrustedRelay(_ sentence: String) -> Self { Self(code: .untrustedRelay(sentence)) }
    /// An `http://` address answered by a relay that speaks TLS.
    public static func plainHTTPToTLS(url: String) -> Self { Self(code: .plainHTTPToTLS(url: url)) }

    /// A request that got no answer: a lasting TLS or address problem, or a link that may come back (``unreachable(_:pending:)``).
    public static func transport(_ error: TransportError, pending: Int) -> Self {
        transport(error, pending: PendingWork(changes: pending))
    }

    /// The same, with the changes and photos kept (the photo phase knows both).
    public static func transport(_ error: TransportError, pending: PendingWork) -> Self {
        if [TransportError.Kind.tlsVerificationFailed, .tlsOther, .caFileUnreadable].contains(error.kind) {
            return .untrustedRelay(error.description)
        }
        if error.isPlainHTTPToTLS { return .plainHTTPToTLS(url: error.url) }
        return .unreachable(error.description, pending: pending)
    }

    /// The relay's machine code, when the relay refused the request.
    public var relayCode: ErrorCode? {
        if case .relayRefused(_, let code, _) = code { return code }
        return nil
    }

    /// True when no answer came from the relay (nothing was sent, the link dropped, or the TLS or address
    /// check failed before a request went out): the work stays queued as it was. Whether a retry can help as is
    /// is ``failureClass``.
    public var isUnreachable: Bool {
        switch code {
        case .unreachable, .untrustedRelay, .plainHTTPToTLS: true
        default: false
        }
    }

    /// What kind of failure this is, for the exit code and for scripts that decide whether to retry.
    public var failureClass: FailureClass {
        switch code {
        case .unreachable: .temporary
        case .notEnrolled, .noReplica, .alreadyEnrolled, .unknownReport, .invalidInput: .badInput
        case .relayRefused(let status, let code, _): FailureClass(status: status, code: code)
        case .badResponse, .lowDisk: .refused
        case .protocolMismatch: .protocolMismatch
        case .untrustedRelay: .untrustedRelay
        case .plainHTTPToTLS: .plainHTTPToTLS
        }
    }

    /// Why the relay could not be reached (the transport's sentence), when it could not.
    public var unreachableReason: String? {
        if case .unreachable(let reason, _) = code { return reason }
        return nil
    }

    /// The same failure, naming what this device really has left to send (a sync learns it at the end).
    public func stating(_ pending: PendingWork) -> ClientError {
        guard case .unreachable(let reason, _) = code else { return self }
        return Self(code: .unreachable(reason, pending: pending))
    }

    public var description: String {
        switch code {
        case .notEnrolled:
            "This replica is not enrolled with a relay. Run `onsite enroll --relay URL --token TOKEN --ca-cert FILE` first."
        case .noReplica(let path):
            "No replica in \(path). Run `onsite init --replica \(path)` first."
        case .alreadyEnrolled(let relay):
            "This replica is already enrolled with \(relay). To give it a new token, address or CA, add --replace (its pending work is kept); use another --replica folder for another device."
        case .unknownReport(let id):
            "No report \(id) in this replica. `onsite list` shows the reports of your units; run `onsite sync` to fetch new ones."
        case .invalidInput(let sentence):
            sentence
        case .relayRefused(let status, let code, let message):
            "The relay refused the request (HTTP \(status), \(code)): \(message)"
        case .unreachable(let reason, let pending):
            "Cannot reach the relay: \(reason.hasSuffix(".") ? String(reason.dropLast()) : reason). "
                + (pending.isEmpty
                    ? "Nothing of yours is waiting to be sent; run `onsite sync` again when there is a connection to fetch what changed."
                    : "Your \(pending.summary) \(pending.isSingular ? "is" : "are") kept on this device; run `onsite sync` again when there is a connection"
                        + (pending.photos > 0 ? " (photos continue from where the relay stopped)." : "."))
        case .badResponse(let sentence):
            "The relay's answer could not be read: \(sentence). Nothing was lost; retry, and report this if it persists."
        case .protocolMismatch(let got, let want):
            "The relay speaks protocol v\(got); this client needs v\(want). Update the client or the relay."
        case .lowDisk(let folder, let needed, let available):
            "Ổ đĩa chứa \(folder) còn trống \(DiskSpace.text(available)), cần \(DiskSpace.text(needed)); hãy xoá bớt ảnh hoặc tệp cũ rồi thử lại. / "
                + "The disk holding \(folder) has \(DiskSpace.text(available)) free and this needs \(DiskSpace.text(needed)) "
                + "(the photo being added, if any, and room for the database's commit). Free some space (old photos, downloads) and try again; nothing was changed."
        case .untrustedRelay(let sentence):
            sentence + " Nothing was sent; retrying will not help until the certificate or the pinned CA is fixed (`onsite enroll --replace --ca-cert FILE`)."
        case .plainHTTPToTLS(let url):
            "\(url) answers with TLS, not plain HTTP: the relay address must start with https://. Nothing was sent; enrol again with the https:// address (`onsite enroll --replace --relay https://…`)."
        }
    }
}
