import ArgumentParser
import Foundation
import OnSiteClient
import OnSiteCore
import OnSiteSync

struct List: AsyncParsableCommand, ReplicaCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the reports in this replica, a page at a time, with their unit and due date.",
        discussion: "Every page says how many reports match in all and how to get the next one; nothing is cut off unsaid.")
    @OptionGroup var replica: ReplicaOptions
    @Option(help: "Words to find in the code, title, description or address; accents optional (\"dien bien\" finds \"Điện Biên\").") var search: String?
    @Option(help: "Only reports with this status (received, forwarded, in_progress, …).") var status: ReportStatus?
    @Option(help: "Only reports of this unit code: province, district, commune or processing unit (e.g. phuong-muong-thanh).") var unit: String?
    @Flag(help: "Only reports whose current step is overdue (as of now or --as-of).") var overdue = false
    @Option(help: "The page to show, from 1.") var page = 1
    @Option(help: "Reports per page (1…1000).") var limit = 50
    @Option(help: "Judge due dates as of this instant (ISO 8601) or day (YYYY-MM-DD, Vietnam time); default: now.") var asOf: String?
    @Option(help: "vi (default) or en.") var lang: ReportLanguage = .vietnamese
    @Flag(help: "Print JSON: the page, the total and the reports.") var json = false
    @OptionGroup var data: SampleDataOptions

    func validate() throws {
        if page < 1 { throw ValidationError("--page starts at 1.") }
        if !(1...1000).contains(limit) { throw ValidationError("--limit must be between 1 and 1000; use --page for more.") }
    }

    func run() async throws {
        let client = try replica.openForReading()
        let instant = try OverdueRequest.instant(asOf, "--as-of", zone: OverdueRequest.provinceTimeZone)
        let result = try await client.reportPage(
            ReportQuery(search: search, status: status, unit: unit, limit: limit), overdueOnly: overdue, page: page,
            asOf: instant, catalogue: try data.catalogue())
        if json { return try printJSON(ListedPage(result)) }
        let labels = ReportLabels(language: lang)
        let units = try? data.catalogue().units()
        if result.total == 0 {
            print(labels.vi ? "Không có PAHT nào phù hợp." : "No report matches.")
            if search == nil && status == nil && unit == nil && !overdue {
                print(labels.vi ? "Chạy `onsite sync` để lấy PAHT của đơn vị." : "Run `onsite sync` to fetch the reports of your units.")
            }
            return
        }
        for item in result.reports {
            let report = item.view.record.report
            let pending = item.view.pendingOperations > 0 ? (labels.vi ? "  [\(item.view.pendingOperations) chưa đồng bộ]" : "  [\(item.view.pendingOperations) not synced]") : ""
            let urgent = report.isUrgent ? (labels.vi ? " KHẨN" : " URGENT") : ""
            let unit = (report.assignedUnit ?? report.area.commune ?? report.area.district)
            let unitName = units?.name(of: unit) ?? unit
            let due = item.deadline.map { labels.time.dateTime($0.due(at: result.asOf)) + (item.isOverdue ? (labels.vi ? " QUÁ HẠN" : " OVERDUE") : "") } ?? "—"
            print("\(report.code)  \(labels.status(report.status))\(urgent)  \(unitName)  \(labels.vi ? "hạn" : "due") \(due)  \(report.title)\(pending)")
        }
        let range = "\(result.first)–\(result.last)"
        print(labels.vi
              ? "PAHT \(range) trên tổng \(result.total) (trang \(result.page)/\(result.pageCount))"
                + (result.page < result.pageCount ? "; trang sau: --page \(result.page + 1)" : "") + "."
              : "Reports \(range) of \(result.total) (page \(result.page)/\(result.pageCount))"
                + (result.page < result.pageCount ? "; next: --page \(result.page + 1)" : "") + ".")
    }
}

/// The JSON of `onsite list --json`.
struct ListedPage: Encodable {
    struct Item: Encodable {
        var report: Report
        var currentStep: DeadlineStep?
        var due: Date?
        var isOverdue: Bool
        var pendingOperations: Int
    }

    var total: Int
    var page: Int
    var pageCount: Int
    var limit: Int
    var asOf: Date
    var reports: [Item]

    init(_ page: ReportPage) {
        total = page.total
        self.page = page.page
        pageCount = page.pageCount
        limit = page.limit
        asOf = page.asOf
        reports = page.reports.map {
            Item(report: $0.view.record.report, currentStep: $0.deadline?.step, due: $0.deadline?.due(at: page.asOf),
                 isOverdue: $0.isOverdue, pendingOperations: $0.view.pendingOperations)
        }
    }
}

struct Show: AsyncParsableCommand, ReplicaCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show one report: its place, unit, due date and state, verifications, notes, photos and history.",
        discussion: "Times are in the province's time zone (Asia/Ho_Chi_Minh for the built-in policies).")
    @OptionGroup var replica: ReplicaOptions
    @Argument(help: "The report's id or code.") var report: String
    @Option(help: "Judge the due date as of this instant (ISO 8601) or day (YYYY-MM-DD, Vietnam time); default: now.") var asOf: String?
    @Option(help: "vi (default) or en.") var lang: ReportLanguage = .vietnamese
    @Flag(help: "Print JSON: the whole record (notes, verifications, photos, history) and the due date.") var json = false
    @OptionGroup var data: SampleDataOptions

    func run() async throws {
        let client = try replica.openForReading()
        let catalogue = try data.catalogue()
        let instant = try OverdueRequest.instant(asOf, "--as-of", zone: OverdueRequest.provinceTimeZone) ?? client.replica.clock()
        if json {
            var exported = try await client.exportedRecord(of: report, catalogue: catalogue, asOf: instant)
            exported.evidence = try await client.evidenceMarks(of: report)
            return try printJSON(exported)
        }
        let detail = try await client.detail(of: report, rules: { try catalogue.rules($0) })
        let record = detail.view.record
        let r = record.report
        let rules = try? catalogue.rules(r.area.province)
        let units = try? catalogue.units()
        let categories = (try? catalogue.categories()) ?? []
        let l = ReportLabels(language: lang, timeZone: rules?.calendar.timeZone ?? OverdueRequest.provinceTimeZone)
        func name(_ code: String) -> String { units?.name(of: code) ?? code }
        print("\(r.code) — \(r.title)")
        print("  \(l.field("Trạng thái", "Status"))\(l.status(r.status))\(r.isUrgent ? (l.vi ? " (khẩn)" : " (urgent)") : "")"
              + (r.hiddenReason.map { l.vi ? " — ĐÃ ẨN: \($0)" : " — HIDDEN: \($0)" } ?? ""))
        print("  \(l.field("Lĩnh vực", "Category"))\(categories.first { $0.code == r.category }?.name ?? r.category)")
        print("  \(l.field("Địa chỉ", "Address"))\(r.address)")
        if let location = r.location { print("  \(l.field("Vị trí", "Location"))\(location.latitude), \(location.longitude)") }
        print("  \(l.field("Địa bàn", "Area"))\(r.area.unitCodes.reversed().map(name).joined(separator: ", "))")
        print("  \(l.field("Cơ quan xử lý", "Assigned to"))\(r.assignedUnit.map(name) ?? "—")")
        print("  \(l.field("Tiếp nhận", "Received"))\(l.time.dateTimeWithZone(r.receivedAt))")
        if let deadline = detail.deadline, let calendar = rules?.calendar {
            print("  \(l.field("Hạn", "Due"))\(l.deadline(deadline, asOf: instant, calendar: calendar))")
            let missing = calendar.yearsWithoutHolidayData(from: deadline.startedAt, to: max(deadline.due(at: instant), instant))
            if !missing.isEmpty {
                let years = missing.map(String.init).joined(separator: ", ")
                print(l.vi ? "  CẢNH BÁO: lịch nghỉ lễ không có dữ liệu năm \(years); hạn chỉ tính theo lịch làm việc hằng tuần."
                           : "  WARNING: the holiday table has no data for \(years); the due date counts the weekly schedule only.")
            }
        } else {
            print("  \(l.field("Hạn", "Due"))" + (l.vi ? "không có (bước hiện tại không có thời hạn trong quy định)" : "none (the policy does not time the current step)"))
        }
        if asOf != nil { print("  \(l.field("Tại thời điểm", "As of"))\(l.time.dateTimeWithZone(instant))") }
        let reporter = r.reporter.name.map { name in [name, r.reporter.phone].compactMap { $0 }.joined(separator: ", ") }
        print("  \(l.field("Người phản ánh", "Reporter"))\(reporter ?? (r.reporter.isConfidential ? (l.vi ? "(bảo mật)" : "(confidential)") : (l.vi ? "(không hiển thị với vai trò này)" : "(not shown to this role)")))")
        print("  \(l.field("Nội dung", "Description"))\(r.description)")
        for verification in record.verifications {
            let position = verification.position.map { " (\($0.latitude), \($0.longitude))" } ?? ""
            print("  " + (l.vi ? "Xác minh" : "Verified") + " \(l.time.dateTime(verification.visitedAt)) \(l.vi ? "bởi" : "by") \(verification.officer)\(position): \(l.finding(verification.finding)). \(verification.notes)")
        }
        for note in record.notes {
            print("  " + (l.vi ? "Ghi chú" : "Note") + " \(l.time.dateTime(note.at)) \(l.vi ? "bởi" : "by") \(note.author): \(note.text)")
        }
        for conflict in record.openConflicts {
            print("  Conflict on \(conflict.field.rawValue): kept \"\(conflict.kept.value)\" (\(conflict.kept.deviceName)), lost \"\(conflict.lost.value)\" (\(conflict.lost.deviceName)); `onsite resolve \(conflict.id) --keep …`")
        }
        PhotoText.printAttachments(of: record, uploads: detail.uploads, blobs: client.replica.blobs, time: l.time)
        if !record.events.isEmpty {
            print("  " + (l.vi ? "Lịch sử:" : "History:"))
            for event in record.events { print("    " + l.event(event, units: units)) }
        }
        EvidenceLabels(language: lang).printMarks(try await client.evidenceMarks(of: report), of: record, labels: l)
        if detail.view.pendingOperations > 0 {
            print("  " + (l.vi ? "\(detail.view.pendingOperations) thay đổi chưa đồng bộ." : "\(detail.view.pendingOperations) change(s) not yet synced."))
        }
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
