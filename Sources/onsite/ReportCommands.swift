import ArgumentParser
import Foundation
import OnSiteClient
import OnSiteCore
import OnSiteSync

struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the reports in this replica.")
    @OptionGroup var replica: ReplicaOptions
    @Option(help: "Words to find in the code, title, description or address; accents optional (\"dien bien\" finds \"Điện Biên\").") var search: String?
    @Option(help: "Only reports with this status (received, forwarded, in_progress, …).") var status: ReportStatus?
    @Option(help: "At most this many reports.") var limit = 200
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await reportingErrors {
            let views = try await replica.open().reports(matching: ReportQuery(search: search.map(VietnameseText.normalized), status: status, limit: limit))
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
}

struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show one report with its notes and verifications.")
    @OptionGroup var replica: ReplicaOptions
    @Argument(help: "The report's id or code.") var report: String
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var data: SampleDataOptions

    func run() async throws {
        try await reportingErrors {
            let store = try replica.open()
            let view = try await store.report(report)
            if json { return try printJSON(view.record.report) }
            let r = view.record.report
            print("\(r.code) — \(r.title)")
            print("  Status:      \(r.status.rawValue)\(r.isUrgent ? " (khẩn)" : "")")
            print("  Category:    \(r.category)")
            print("  Address:     \(r.address)")
            if let location = r.location { print("  Location:    \(location.latitude), \(location.longitude)") }
            print("  Area:        \(r.area.unitCodes.joined(separator: " / "))")
            print("  Assigned to: \(r.assignedUnit ?? "—")")
            print("  Received:    \(WireDate.format(r.receivedAt))")
            if let rules = try? data.rules(province: r.area.province),
               let deadline = rules.evaluator.currentDeadline(of: r, events: view.record.events) {
                let state = deadline.isOverdue(at: Date()) ? "QUÁ HẠN / overdue" : "trong hạn / on time"
                print("  Due:         \(WireDate.format(deadline.due)) (\(deadline.step.rawValue), \(state))")
            }
            print("  Reporter:    \(r.reporter.isConfidential ? "(confidential)" : (r.reporter.name ?? "—"))")
            print("  Description: \(r.description)")
            for verification in view.record.verifications {
                let position = verification.position.map { " at \($0.latitude), \($0.longitude)" } ?? ""
                print("  Verified \(WireDate.format(verification.visitedAt)) by \(verification.officer)\(position): \(verification.finding.label). \(verification.notes)")
            }
            for note in view.record.notes {
                print("  Note \(WireDate.format(note.at)) by \(note.author): \(note.text)")
            }
            for conflict in view.record.openConflicts {
                print("  Conflict on \(conflict.field.rawValue): kept \"\(conflict.kept.value)\" (\(conflict.kept.deviceName)), lost \"\(conflict.lost.value)\" (\(conflict.lost.deviceName)); `onsite resolve \(conflict.id) --keep …`")
            }
            PhotoText.printAttachments(of: view.record, uploads: try await store.uploads(), blobs: store.blobs)
            if view.pendingOperations > 0 { print("  \(view.pendingOperations) change(s) not yet synced.") }
            for rejection in try await store.rejections() where rejection.reportId == r.id {
                print("  Refused by the relay (\(rejection.kind)): \(rejection.reason.message)")
            }
        }
    }
}

struct NoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "note", abstract: "Add a note to a report (works offline).")
    @OptionGroup var replica: ReplicaOptions
    @Argument(help: "The report's id or code.") var report: String
    @Argument(help: "The note's text.") var text: String

    func run() async throws {
        try await reportingErrors {
            let store = try replica.open()
            guard let enrolment = try await store.enrolment() else { throw ClientError.notEnrolled }
            let id = try await store.report(report).record.id
            let note = Note(author: enrolment.profile.name, at: WireDate.rounded(Date()), text: VietnameseText.normalized(text))
            try await store.record(.addNote(note), on: id)
            print("Note added to \(report); it syncs with the next `onsite sync`.")
        }
    }
}

struct Edit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Change a field of a report (works offline; the latest edit wins, the other is kept as a conflict).")
    @OptionGroup var replica: ReplicaOptions
    @Argument(help: "The report's id or code.") var report: String
    @Option(help: "title, description, category, address, location (\"LAT,LON\"), urgent (yes/no).") var field: ReportField
    @Option(help: "The new value; empty for none where the field allows it.") var value: String

    func run() async throws {
        try await reportingErrors {
            let store = try replica.open()
            let id = try await store.report(report).record.id
            try await store.record(.setField(field, try Self.parse(value, for: field)), on: id)
            print("\(field.rawValue) of \(report) set; it syncs with the next `onsite sync`.")
        }
    }

    /// Reads a field's value from the command line.
    static func parse(_ text: String, for field: ReportField) throws -> FieldValue {
        switch field {
        case .isUrgent:
            switch text.lowercased() {
            case "yes", "true", "1", "có": return .flag(true)
            case "no", "false", "0", "không": return .flag(false)
            default: throw ValidationError("`urgent` takes yes or no, not \"\(text)\".")
            }
        case .location:
            if text.isEmpty { return .null }
            let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, let lat = parts[0], let lon = parts[1] else {
                throw ValidationError("`location` takes \"LATITUDE,LONGITUDE\" in decimal degrees, e.g. \"21.386,103.017\".")
            }
            return .point(GeoPoint(latitude: lat, longitude: lon))
        case .assignedUnit, .hiddenReason:
            return text.isEmpty ? .null : .text(VietnameseText.normalized(text))
        default:
            return .text(VietnameseText.normalized(text))
        }
    }
}

extension ReportField: ExpressibleByArgument {}
extension ReportStatus: ExpressibleByArgument {}
