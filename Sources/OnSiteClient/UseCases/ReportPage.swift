import Foundation
import OnSiteCore

/// A report as `onsite list` shows it: its view, the deadline of its current step and whether it is late.
public struct ListedReport: Sendable {
    public var view: ReportView
    /// The deadline of the current step, when the province's policy times it.
    public var deadline: Deadline?
    /// Whether that step is open and late at the page's instant.
    public var isOverdue: Bool
}

/// One page of `onsite list`: the reports on it and how many match in all, so nothing is cut off unsaid.
public struct ReportPage: Sendable {
    public var reports: [ListedReport]
    /// How many reports match the query in all pages.
    public var total: Int
    /// The page number, from 1.
    public var page: Int
    /// Reports per page.
    public var limit: Int
    /// The instant due dates are judged at.
    public var asOf: Date

    /// The number of pages (at least 1).
    public var pageCount: Int { max(1, (total + limit - 1) / limit) }
    /// The position of the first report on the page, from 1 (0 when the page is empty).
    public var first: Int { reports.isEmpty ? 0 : (page - 1) * limit + 1 }
    /// The position of the last report on the page.
    public var last: Int { reports.isEmpty ? 0 : first + reports.count - 1 }
}
