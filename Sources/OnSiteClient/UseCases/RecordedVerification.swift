import OnSiteCore

/// A verification as recorded, with its photos and their on-site checks.
public struct RecordedVerification: Sendable, Hashable {
    public var verification: Verification
    public var photos: [PreparedPhoto]
}
