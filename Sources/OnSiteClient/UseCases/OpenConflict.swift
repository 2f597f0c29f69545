import OnSiteSync

/// An open conflict with the code of its report, as `onsite conflicts` lists it.
public struct OpenConflict: Sendable, Hashable {
    public var reportCode: String
    public var conflict: FieldConflict
}
