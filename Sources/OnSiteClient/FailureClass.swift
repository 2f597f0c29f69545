import OnSiteSync

/// What kind of failure a command met, which decides its exit code: whether running it again later may work
/// as is, or what must change first. `onsite` maps each class to one exit code (README, "Exit codes").
public enum FailureClass: String, Sendable, Hashable, CaseIterable {
    /// Trying again later may work unchanged: the relay unreachable, a timeout, a 5xx, 429 or 507, the replica
    /// busy, work left deferred.
    case temporary
    /// The relay's certificate is not trusted (not signed by the pinned CA, wrong host name), or the pinned CA
    /// file is unusable.
    case untrustedRelay
    /// A plain `http://` address for a relay that speaks TLS.
    case plainHTTPToTLS
    /// The token was refused (401) or the device may not do this (403: revoked, rotated token, not allowed).
    case notPermitted
    /// The relay speaks another protocol version.
    case protocolMismatch
    /// The command's input is wrong: an argument, a report id, no replica or no enrolment.
    case badInput
    /// Anything else refused by the relay or the replica (a damaged database, a full disk, a 4xx on content).
    case refused

    /// The class of a relay's refusal by its HTTP status and code.
    public init(status: Int, code: ErrorCode) {
        switch status {
        case 401, 403: self = .notPermitted
        case 423, 429, 503, 507: self = .temporary
        case 500..<600: self = .temporary
        case 400 where code == .unsupportedProtocol: self = .protocolMismatch
        default: self = .refused
        }
    }
}
