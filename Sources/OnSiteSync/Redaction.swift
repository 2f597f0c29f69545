import OnSiteCore

/// Who may read a reporter's personal data (name, phone, email).
///
/// The hub and administrators see everything. Officers and unit leaders see the reporter's contact to
/// verify on site, unless the reporter asked for confidentiality. Supervisors read statistics and never see
/// personal data. Applied by the relay to everything it sends: pulled operations and snapshots.
public enum Redaction {
    public static func mayReadReporter(_ reporter: Reporter, role: Role) -> Bool {
        switch role {
        case .hub, .admin: true
        case .officer, .leader: !reporter.isConfidential
        case .supervisor: false
        }
    }

    /// Whether `role` may read the personal data of every reporter, confidential or not: nothing it is sent
    /// needs redaction.
    public static func readsEveryReporter(_ role: Role) -> Bool {
        switch role {
        case .hub, .admin: true
        case .officer, .leader, .supervisor: false
        }
    }

    /// The report as `role` may see it.
    public static func redacted(_ report: Report, for role: Role) -> Report {
        guard !mayReadReporter(report.reporter, role: role) else { return report }
        var copy = report
        copy.reporter = Reporter(isConfidential: report.reporter.isConfidential)
        return copy
    }

    public static func redacted(_ record: ReportRecord, for role: Role) -> ReportRecord {
        var copy = record
        copy.report = redacted(record.report, for: role)
        return copy
    }

    public static func redacted(_ operation: SyncOperation, for role: Role) -> SyncOperation {
        guard case .createReport(let report) = operation.change else { return operation }
        var copy = operation
        copy.change = .createReport(redacted(report, for: role))
        return copy
    }
}
