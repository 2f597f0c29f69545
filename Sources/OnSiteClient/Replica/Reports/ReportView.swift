import OnSiteSync

/// A report as the officer sees it, with its count of changes not yet synced.
public struct ReportView: Sendable, Hashable {
    public var record: ReportRecord
    public var pendingOperations: Int
    public var version: Int64
}
