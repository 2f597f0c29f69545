import Foundation

extension PhotoChecker {
    /// Checks an inspected file against a report's location and receipt time.
    ///
    /// ```swift
    /// let check = PhotoChecker().check(JPEGInspector.inspect(bytes), against: report)
    /// ```
    public func check(_ inspection: JPEGInspection, against report: Report) -> PhotoCheck {
        check(inspection, site: report.location, receivedAt: report.receivedAt)
    }
}
