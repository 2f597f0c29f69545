import Foundation

/// The relay's answer to a pushed change set. Stored with the change set: a replay returns it unchanged.
public struct PushResult: Codable, Sendable, Hashable {
    public var changeSetId: UUID
    /// The relay's version after the change set was committed.
    public var serverVersion: Int64
    /// One result per operation, in the change set's order.
    public var results: [OperationResult]
    /// True when this answer is the stored result of an earlier push of the same change set.
    public var replayed: Bool

    public init(changeSetId: UUID, serverVersion: Int64, results: [OperationResult], replayed: Bool = false) {
        self.changeSetId = changeSetId
        self.serverVersion = serverVersion
        self.results = results
        self.replayed = replayed
    }

    /// How many operations changed the merged state.
    public var appliedCount: Int { results.filter { $0.outcome == .applied }.count }
    public var rejected: [OperationResult] { results.filter { $0.outcome == .rejected } }
}

/// What the relay did with one operation.
public struct OperationResult: Codable, Sendable, Hashable {
    public enum Outcome: String, Codable, Sendable {
        /// Appended to the log; the merged state took it.
        case applied
        /// Appended to the log, but a later write to the same field already won (last writer wins).
        case superseded
        /// Already in the log from an earlier change set; nothing done.
        case duplicate
        /// Refused: not appended; `reason` says why. The rest of the change set still applies.
        case rejected
    }

    public var operationId: UUID
    public var outcome: Outcome
    /// The log version given to the operation, when it was appended.
    public var version: Int64?
    public var reason: ErrorDetail?

    public init(operationId: UUID, outcome: Outcome, version: Int64? = nil, reason: ErrorDetail? = nil) {
        self.operationId = operationId
        self.outcome = outcome
        self.version = version
        self.reason = reason
    }
}
