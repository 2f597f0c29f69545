import Foundation
import OnSiteCore
import OnSiteSync
import Testing

@Suite("Redaction: reporter data by role")
struct RedactionTests {
    static func report(confidential: Bool) -> Report {
        var report = Fixture.report()
        report.reporter = Reporter(name: "Nguyễn Thị Hoa", phone: "0912345678", email: "hoa@example.vn", isConfidential: confidential)
        return report
    }

    /// Who reads the reporter's name, phone and email (sync.md, "Redaction").
    static let table: [(Role, Bool, Bool)] = [
        (.hub, false, true), (.hub, true, true),
        (.admin, false, true), (.admin, true, true),
        (.officer, false, true), (.officer, true, false),
        (.leader, false, true), (.leader, true, false),
        (.supervisor, false, false), (.supervisor, true, false),
    ]

    @Test("each role reads the reporter or gets only the confidentiality flag", arguments: table)
    func byRole(role: Role, confidential: Bool, reads: Bool) {
        let report = Self.report(confidential: confidential)
        #expect(Redaction.mayReadReporter(report.reporter, role: role) == reads)
        let seen = Redaction.redacted(report, for: role)
        if reads {
            #expect(seen == report)
        } else {
            #expect(seen.reporter == Reporter(isConfidential: confidential))
            // Nothing but the reporter changes
            var expected = report
            expected.reporter = seen.reporter
            #expect(seen == expected)
        }
    }

    @Test("a pulled create_report is redacted; other operations pass unchanged", arguments: Role.allCases)
    func operations(role: Role) {
        let report = Self.report(confidential: true)
        let create = SyncOperation(reportId: report.id, stamp: Fixture.stamp(0, 0, "dev-hub"), change: .createReport(report))
        let redacted = Redaction.redacted(create, for: role)
        #expect(redacted.id == create.id && redacted.stamp == create.stamp)
        guard case .createReport(let seen) = redacted.change else { Issue.record("kind changed"); return }
        #expect(seen == Redaction.redacted(report, for: role))
        let note = SyncOperation(reportId: report.id, stamp: Fixture.stamp(1, 0, "dev-hub"),
                                 change: .addNote(Note(author: "IOC", at: Date(timeIntervalSince1970: 1), text: "n")))
        #expect(Redaction.redacted(note, for: role) == note)
    }

    @Test("a snapshot is redacted in its report only: notes, events, conflicts and stamps stay", arguments: Role.allCases)
    func snapshots(role: Role) {
        var record = Fixture.record(Self.report(confidential: false))
        record.conflicts = [Fixture.conflict]
        record.apply(SyncOperation(reportId: record.id, stamp: Fixture.stamp(5, 0, "dev-officer-a"),
                                   change: .addNote(Note(author: "A", at: Date(timeIntervalSince1970: 2), text: "Ghi chú"))))
        let seen = Redaction.redacted(record, for: role)
        #expect(seen.report == Redaction.redacted(record.report, for: role))
        var rest = seen
        rest.report = record.report
        #expect(rest == record)
    }

    @Test("redacting twice changes nothing more", arguments: Role.allCases)
    func idempotent(role: Role) {
        let once = Redaction.redacted(Self.report(confidential: true), for: role)
        #expect(Redaction.redacted(once, for: role) == once)
    }
}
