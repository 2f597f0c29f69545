import ArgumentParser
import Foundation
import OnSiteClient
import OnSiteCore
import OnSiteSync

struct List: AsyncParsableCommand, ReplicaCommand {
    static let configuration = CommandConfiguration(abstract: "List the reports in this replica.")
    @OptionGroup var replica: ReplicaOptions
    @Option(help: "Words to find in the code, title, description or address; accents optional (\"dien bien\" finds \"Điện Biên\").") var search: String?
    @Option(help: "Only reports with this status (received, forwarded, in_progress, …).") var status: ReportStatus?
    @Option(help: "At most this many reports.") var limit = 200
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let views = try await replica.open().reports(matching: ReportQuery(search: search, status: status, limit: limit))
        if json { return try printJSON(views.map(\.record.report)) }
        if views.isEmpty {
            print(search == nil ? "No reports. Run `onsite sync` to fetch the reports of your units." : "No report matches \"\(search ?? "")\".")
            return
        }
        for view in views {
            let report = view.record.report
            let pending = view.pendingOperations > 0 ? "  [\(view.pendingOperations) not synced]" : ""
            let urgent = report.isUrgent ? " KHẨN" : ""
            print("\(report.code)  \(report.status.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0))\(urgent)  \(report.title)\(pending)")
        }
    }
}

struct Show: AsyncParsableCommand, ReplicaCommand {
    static let configuration = CommandConfiguration(abstract: "Show one report with its notes and verifications.")
    @OptionGroup var replica: ReplicaOptions
    @Argument(help: "The report's id or code.") var report: String
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var data: SampleDataOptions

    func run() async throws {
        let client = try replica.open()
        let detail = try await client.detail(of: report, rules: json ? nil : { try data.rules(province: $0) })
        let record = detail.view.record
        if json { return try printJSON(record.report) }
        let r = record.report
        print("\(r.code) — \(r.title)")
        print("  Status:      \(r.status.rawValue)\(r.isUrgent ? " (khẩn)" : "")")
        print("  Category:    \(r.category)")
        print("  Address:     \(r.address)")
        if let location = r.location { print("  Location:    \(location.latitude), \(location.longitude)") }
        print("  Area:        \(r.area.unitCodes.joined(separator: " / "))")
        print("  Assigned to: \(r.assignedUnit ?? "—")")
        print("  Received:    \(WireDate.format(r.receivedAt))")
        if let deadline = detail.deadline {
            let state = deadline.isOverdue(at: client.replica.clock()) ? "QUÁ HẠN / overdue" : "trong hạn / on time"
            print("  Due:         \(WireDate.format(deadline.due)) (\(deadline.step.rawValue), \(state))")
        }
        print("  Reporter:    \(r.reporter.isConfidential ? "(confidential)" : (r.reporter.name ?? "—"))")
        print("  Description: \(r.description)")
        for verification in record.verifications {
            let position = verification.position.map { " at \($0.latitude), \($0.longitude)" } ?? ""
            print("  Verified \(WireDate.format(verification.visitedAt)) by \(verification.officer)\(position): \(verification.finding.label). \(verification.notes)")
        }
        for note in record.notes {
            print("  Note \(WireDate.format(note.at)) by \(note.author): \(note.text)")
        }
        for conflict in record.openConflicts {
            print("  Conflict on \(conflict.field.rawValue): kept \"\(conflict.kept.value)\" (\(conflict.kept.deviceName)), lost \"\(conflict.lost.value)\" (\(conflict.lost.deviceName)); `onsite resolve \(conflict.id) --keep …`")
        }
        PhotoText.printAttachments(of: record, uploads: detail.uploads, blobs: client.replica.blobs)
        if detail.view.pendingOperations > 0 { print("  \(detail.view.pendingOperations) change(s) not yet synced.") }
        for rejection in detail.rejections {
            print("  Refused by the relay (\(rejection.kind)): \(rejection.reason.message)")
        }
    }
}

struct NoteCommand: AsyncParsableCommand, ReplicaCommand {
    static let configuration = CommandConfiguration(commandName: "note", abstract: "Add a note to a report (works offline).")
    @OptionGroup var replica: ReplicaOptions
    @Argument(help: "The report's id or code.") var report: String
    @Argument(help: "The note's text.") var text: String

    func run() async throws {
        try await replica.open().addNote(text, to: report)
        print("Note added to \(report); it syncs with the next `onsite sync`.")
    }
}

struct Edit: AsyncParsableCommand, ReplicaCommand {
    static let configuration = CommandConfiguration(abstract: "Change a field of a report (works offline; the latest edit wins, the other is kept as a conflict).")
    @OptionGroup var replica: ReplicaOptions
    @Argument(help: "The report's id or code.") var report: String
    @Option(help: "title, description, category, address, location (\"LAT,LON\"), urgent (yes/no).") var field: ReportField
    @Option(help: "The new value; empty for none where the field allows it.") var value: String

    func run() async throws {
        try await replica.open().setField(field, to: value, on: report)
        print("\(field.rawValue) of \(report) set; it syncs with the next `onsite sync`.")
    }
}

extension ReportField: ExpressibleByArgument {}
extension ReportStatus: ExpressibleByArgument {}
