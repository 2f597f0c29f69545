import OnSiteCore

/// A photo copied into the replica's blob store and checked against its report, ready to be recorded.
public struct PreparedPhoto: Sendable, Hashable {
    public var attachment: Attachment
    /// The on-site check: capture position and time, distance, warnings (never a refusal).
    public var check: PhotoCheck
}
