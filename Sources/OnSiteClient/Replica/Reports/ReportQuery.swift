import OnSiteCore

/// What `onsite list` filters on, and which slice of the matches it reads.
public struct ReportQuery: Sendable {
    /// Words that must all appear in the code, title, description or address, ignoring diacritics.
    public var search: String?
    public var status: ReportStatus?
    /// A unit code the report belongs to: its province, district, commune or the processing unit it was forwarded to.
    public var unit: String?
    /// At most this many reports.
    public var limit: Int
    /// Skip this many matches first (paging).
    public var offset: Int

    public init(search: String? = nil, status: ReportStatus? = nil, unit: String? = nil, limit: Int = 200, offset: Int = 0) {
        self.search = search
        self.status = status
        self.unit = unit
        self.limit = limit
        self.offset = offset
    }
}
