import OnSiteSync

/// A resolved conflict: the value kept, which syncs like any change.
public struct ResolvedConflict: Sendable, Hashable {
    public var reportCode: String
    public var field: ReportField
    public var value: FieldValue
}
