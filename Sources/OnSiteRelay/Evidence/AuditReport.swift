/// One place where the relay's data does not prove itself: which version, which report, what is wrong.
public struct AuditBreak: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// A log row's chain hash does not follow from the previous one and the row's bytes.
        case chain
        /// A checkpoint's signature, or its hash against the log.
        case checkpoint
        /// A device's signature over an operation (bad, or missing from a device that holds a key).
        case signature
        /// A report's stored evidence differs from the signed operation that added it.
        case record
        /// A blob's bytes no longer hash to its name.
        case blob
    }

    public var kind: Kind
    /// The log version concerned, when there is one.
    public var version: Int64?
    public var reportId: String?
    public var message: String

    public var description: String { message }
}

/// What `onsite-relay audit` found: counts of what it checked, and every break in log order.
public struct AuditReport: Sendable, Hashable {
    public var entriesChecked = 0
    public var signaturesChecked = 0
    /// Operations of devices that never registered a key (enrolled before signatures): not signed, not a break.
    public var unsignedOperations = 0
    public var checkpointsChecked = 0
    public var recordsChecked = 0
    /// Evidence records whose adding operation was compacted out of the log: their signature is no longer at hand.
    public var recordsBeyondLog = 0
    public var blobsChecked = 0
    public var breaks: [AuditBreak] = []

    public var isIntact: Bool { breaks.isEmpty }
}
