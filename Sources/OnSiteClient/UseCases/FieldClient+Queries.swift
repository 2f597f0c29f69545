import Foundation
import OnSiteCore
import OnSiteSync

extension FieldClient {
    /// Reports matching the query, newest first (words in NFC, accents optional).
    public func reports(matching query: ReportQuery = ReportQuery()) async throws -> [ReportView] {
        var query = query
        query.search = query.search.map(VietnameseText.normalized)
        return try await replica.reports(matching: query)
    }

    /// One report by id or code, with its photos' upload state, the relay's refusals on it, and the deadline
    /// of its current step when `rules` gives its province's rules (nil: no deadline shown).
    public func detail(of report: String, rules: ((String) throws -> ProvinceRules)? = nil) async throws -> ReportDetail {
        let view = try await replica.report(report)
        let record = view.record
        let deadline = (try? rules?(record.report.area.province))?.evaluator.currentDeadline(of: record.report, events: record.events)
        return ReportDetail(
            view: view, uploads: try await replica.uploads(),
            rejections: try await replica.rejections().filter { $0.reportId == record.id }, deadline: deadline)
    }

    /// Pending changes and photos, last sync and cursor.
    public func status() async throws -> ClientStatus {
        ClientStatus(sync: try await replica.status(), photos: try await replica.photoQueueStatus())
    }

    /// The request for more information a report's history holds (Điện Biên's form).
    ///
    /// - Throws: ``ClientError/invalidInput(_:)`` when nobody asked for information on it.
    public func informationRequest(for report: String) async throws -> InformationRequest {
        let record = try await replica.report(report).record
        let missing = InformationRequest.missingItems(in: record.events)
        guard !missing.isEmpty else {
            throw ClientError.invalidInput("\(record.report.code) has no request for information in its history (`onsite act \(record.report.code) request_information --missing …`).")
        }
        return InformationRequest(report: record.report, missing: missing)
    }

    /// The result notice of a report (Thái Nguyên, appendix II), made from its approved summary.
    ///
    /// - Parameters:
    ///   - unitName: the processing unit's name on the notice; by default the assigned unit's name in `units`.
    /// - Throws: ``ClientError/invalidInput(_:)`` when the report has no approved result yet.
    public func resultNotice(for report: String, unitName: String? = nil, units: UnitDirectory? = nil) async throws -> ResultNotice {
        let record = try await replica.report(report).record
        guard let summary = ResultNotice.approvedSummary(in: record.events) else {
            throw ClientError.invalidInput("\(record.report.code) has no approved result yet; the notice is made from the approved summary.")
        }
        let name = unitName ?? record.report.assignedUnit.map { units?.name(of: $0) ?? $0 } ?? "Cơ quan xử lý"
        return ResultNotice(report: record.report, unitName: name, summary: summary)
    }
}
