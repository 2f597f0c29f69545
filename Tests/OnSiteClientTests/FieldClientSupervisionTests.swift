import Foundation
import OnSiteClient
import OnSiteClientTesting
import OnSiteCore
import OnSiteSync
import Testing

/// What a supervisor reads from a replica, in process against a real relay store: tables that count every report,
/// pages with totals, and exports redacted for the replica's role.
@Suite("FieldClient: supervision")
struct FieldClientSupervisionTests {
    /// A hub that imported the sample reports (with their forwarding events when `events`), and a supervisor that pulled them.
    func supervised(events: Bool = true) async throws -> (FieldBench, hub: BenchDevice, supervisor: BenchDevice) {
        let bench = try FieldBench()
        let hub = try await bench.enroll("hub", role: .hub, units: [FieldBench.province])
        _ = try await hub.client.importReports(
            from: SampleFiles.reports, events: events ? SampleFiles.folder.appendingPathComponent("events.json") : nil)
        try await hub.sync()
        let supervisor = try await bench.enroll("Lãnh đạo IOC", role: .supervisor, units: [FieldBench.province])
        try await supervisor.sync()
        return (bench, hub, supervisor)
    }

    static func instant(_ text: String) throws -> Date { try #require(WireDate.parse(text)) }

    @Test("the demo's table counts the demo's reports: with their forwarding events, and without them in a footnote")
    func demoTableCountsEveryReport() async throws {
        let (bench, _, supervisor) = try await supervised()
        defer { bench.remove() }
        let table = try await supervisor.client.overdueTable(
            OverdueRequest(grouping: .commune, asOf: "2024-05-15T03:00:00Z"), catalogue: .builtIn)
        #expect(table.totals.total == 8 && table.totals.overdue == 8 && table.footnotes.isEmpty)

        let (bare, _, blind) = try await supervised(events: false)
        defer { bare.remove() }
        let counted = try await blind.client.overdueTable(OverdueRequest(grouping: .commune, asOf: "2024-05-15T03:00:00Z"), catalogue: .builtIn)
        #expect(counted.totals.total == 8 && counted.totals.overdue == 0)
        #expect(counted.footnotes.map(\.kind) == [.startUnknown] && counted.footnotes.first?.count == 8)
    }

    @Test("a step the province's policy does not time is refused, naming the timed ones")
    func untimedStep() async throws {
        let (bench, _, supervisor) = try await supervised()
        defer { bench.remove() }
        do {
            _ = try await supervisor.client.overdueTable(OverdueRequest(step: .approval), catalogue: .builtIn)
            Issue.record("approval was tabulated for Điện Biên")
        } catch let error as ClientError {
            #expect(error.description.contains("forwarding, handling"), "\(error)")
        }
        let list = try await supervisor.client.overdueList(OverdueRequest(asOf: "2024-05-06T03:00:00Z"), catalogue: .builtIn)
        #expect(list.list.entries.map(\.code).contains("DB-2024-00101"))
        #expect(list.list.entries.allSatisfy { $0.unitName != nil && $0.lateWorkingSeconds > 0 })
    }

    @Test("list pages say the total, and filter by unit, status and overdue")
    func pages() async throws {
        let (bench, _, supervisor) = try await supervised()
        defer { bench.remove() }
        let client = supervisor.client
        let first = try await client.reportPage(ReportQuery(limit: 3), page: 1, catalogue: .builtIn)
        #expect(first.total == 8 && first.pageCount == 3 && first.reports.count == 3 && first.first == 1 && first.last == 3)
        let third = try await client.reportPage(ReportQuery(limit: 3), page: 3, catalogue: .builtIn)
        #expect(third.reports.count == 2 && third.last == 8)
        let codes = Set(first.reports.map(\.view.record.report.code) + third.reports.map(\.view.record.report.code))
        #expect(codes.count == 5, "pages do not overlap")
        let himLam = try await client.reportPage(ReportQuery(unit: "phuong-him-lam", limit: 50), catalogue: .builtIn)
        #expect(himLam.total == 2 && himLam.reports.allSatisfy { $0.view.record.report.assignedUnit == "phuong-him-lam" })
        #expect(try await client.reportPage(ReportQuery(status: .inProgress), catalogue: .builtIn).total == 0)
        // Forwarded 17–20/4/2024, 6 working days: none late on 22/4, all late by 15/5
        let early = try await client.reportPage(ReportQuery(limit: 2), overdueOnly: true, asOf: try Self.instant("2024-04-22T03:00:00Z"), catalogue: .builtIn)
        #expect(early.total == 0)
        let late = try await client.reportPage(ReportQuery(limit: 2), overdueOnly: true, asOf: try Self.instant("2024-05-15T03:00:00Z"), catalogue: .builtIn)
        #expect(late.total == 8 && late.reports.count == 2 && late.reports.allSatisfy { $0.isOverdue && $0.deadline?.step == .handling })
        await #expect(throws: ClientError.self) { try await client.reportPage(ReportQuery(limit: 0), catalogue: .builtIn) }
    }

    @Test("exports are redacted for the replica's role: the hub sees the reporter, the supervisor never")
    func redactedExports() async throws {
        let (bench, hub, supervisor) = try await supervised()
        defer { bench.remove() }
        let reporter = "Lò Văn Hùng"
        for format in [ExportFormat.csv, .geojson, .json] {
            let full = String(decoding: try await hub.client.export(format, catalogue: .builtIn), as: UTF8.self)
            let redacted = String(decoding: try await supervisor.client.export(format, catalogue: .builtIn), as: UTF8.self)
            #expect(full.contains(reporter) && full.contains("0912345601"), "\(format): the hub reads reporter data")
            #expect(!redacted.contains(reporter) && !redacted.contains("0912345601"), "\(format): the supervisor never does")
            #expect(redacted.contains("DB-2024-00108"))
        }
        let csv = try await supervisor.client.export(.csv, catalogue: .builtIn)
        #expect(Array(csv.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let geo = try #require(try JSONSerialization.jsonObject(with: try await supervisor.client.export(.geojson, catalogue: .builtIn)) as? [String: Any])
        #expect((geo["features"] as? [Any])?.count == 8)
    }

    @Test("show --json carries the history and the due date as of an instant, redacted for the role")
    func wholeRecord() async throws {
        let (bench, _, supervisor) = try await supervised()
        defer { bench.remove() }
        let record = try await supervisor.client.exportedRecord(
            of: "DB-2024-00101", catalogue: .builtIn, asOf: try Self.instant("2024-04-29T03:00:00Z"))
        #expect(record.events.map(\.action) == ["transition:forwarded"])
        let deadline = try #require(record.deadline)
        #expect(deadline.step == .handling && deadline.isOverdue && deadline.workingSecondsLeft < 0)
        #expect(record.report.reporter.name == nil)
        let encoded = String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
        #expect(encoded.contains("\"notes\"") && encoded.contains("\"verifications\"") && encoded.contains("\"attachments\""))
    }
}
