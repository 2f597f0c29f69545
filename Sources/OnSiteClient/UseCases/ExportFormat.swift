import Foundation
import OnSiteCore
import OnSiteSync

/// What `onsite export` writes.
public enum ExportFormat: String, Sendable, Hashable, CaseIterable {
    /// RFC 4180 CSV with a UTF-8 byte order mark, for spreadsheets.
    case csv
    /// An RFC 7946 FeatureCollection, for maps.
    case geojson
    /// Every report's whole record (notes, verifications, photos, history) with its due date.
    case json
}

/// One report in the JSON export and in `onsite show --json`: its whole record, redacted for the reader's role,
/// with the deadline of its current step.
public struct ExportedRecord: Sendable, Encodable {
    public var report: Report
    public var notes: [Note]
    public var verifications: [Verification]
    public var attachments: [Attachment]
    /// Hashes of the attachments whose bytes the relay holds.
    public var availableBlobs: [String]
    /// The history, oldest first.
    public var events: [Event]
    public var openConflicts: [FieldConflict]
    public var deadline: DeadlineState?
    /// How each piece of evidence stands against its signature (`onsite show --json`); nil in exports.
    public var evidence: [EvidenceMark]?

    /// The deadline of the current step as of an instant.
    public struct DeadlineState: Sendable, Encodable {
        public var step: DeadlineStep
        public var stepLabel: String
        /// The policy's limit, e.g. `{"working_days": 6}`.
        public var limit: WorkingDuration
        public var startedAt: Date
        /// The due date in force at `asOf`.
        public var due: Date
        public var asOf: Date
        public var isOverdue: Bool
        /// Office time left before the due date (positive) or spent past it (negative), in seconds.
        public var workingSecondsLeft: Double

        public init(_ deadline: Deadline, calendar: WorkingCalendar, asOf: Date) {
            step = deadline.step
            stepLabel = deadline.step.label
            limit = deadline.limit
            startedAt = deadline.startedAt
            due = deadline.due(at: asOf)
            self.asOf = asOf
            isOverdue = deadline.isOverdue(at: asOf)
            workingSecondsLeft = asOf <= due
                ? calendar.workingTime(from: asOf, to: due) : -calendar.workingTime(from: due, to: asOf)
        }
    }

    public init(_ record: ReportRecord, role: Role, deadline: Deadline?, calendar: WorkingCalendar?, asOf: Date) {
        let visible = Redaction.redacted(record, for: role)
        report = visible.report
        notes = visible.notes
        verifications = visible.verifications
        attachments = visible.attachments
        availableBlobs = visible.availableBlobs.sorted()
        events = visible.events
        openConflicts = visible.openConflicts
        self.deadline = both(deadline, calendar).map { DeadlineState($0, calendar: $1, asOf: asOf) }
    }
}

private func both<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
