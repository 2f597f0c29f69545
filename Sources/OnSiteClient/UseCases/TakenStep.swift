import OnSiteCore

/// A workflow step as recorded on this device: the report's status before and after, as this replica shows
/// them (the relay has the last word when the step syncs).
public struct TakenStep: Sendable, Hashable {
    public var reportCode: String
    public var from: ReportStatus
    public var to: ReportStatus
}
