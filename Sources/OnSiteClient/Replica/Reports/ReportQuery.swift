import OnSiteCore

/// What `onsite list` filters on.
public struct ReportQuery: Sendable {
    /// Words that must all appear in the code, title, description or address, ignoring diacritics.
    public var search: String?
    public var status: ReportStatus?
    public var limit: Int

    public init(search: String? = nil, status: ReportStatus? = nil, limit: Int = 200) {
        self.search = search
        self.status = status
        self.limit = limit
    }
}
