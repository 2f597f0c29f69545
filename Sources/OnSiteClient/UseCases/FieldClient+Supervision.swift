import Foundation
import OnSiteCore
import OnSiteSync

/// What a supervisor reads from the merged state: overdue tables and lists per step, pages of reports with their
/// due dates, and exports redacted for this replica's role.
extension FieldClient {
    /// The overdue table of one step for the province this replica holds (the Điện Biên memo's table for `handling`).
    ///
    /// - Throws: ``ClientError/invalidInput(_:)`` when the replica is empty or holds several provinces, the policy
    ///   does not time the step, or a date does not read; the catalogue's errors when its files do not.
    public func overdueTable(_ request: OverdueRequest, catalogue: Catalogue) async throws -> OverdueTable {
        let scope = try await supervisionScope(request, catalogue: catalogue)
        return OverdueReport.make(
            reports: scope.records.map(\.report), events: scope.records.flatMap(\.events), evaluator: scope.rules.evaluator,
            units: try catalogue.units(), categories: try catalogue.categories(), grouping: request.grouping,
            step: request.step, asOf: scope.asOf, from: scope.from, to: scope.to)
    }

    /// The reports overdue in one step, each with its unit, the officer holding it and how late in working time.
    ///
    /// - Throws: as ``overdueTable(_:catalogue:)``.
    public func overdueList(_ request: OverdueRequest, catalogue: Catalogue) async throws -> (list: OverdueList, timeZone: TimeZone) {
        let scope = try await supervisionScope(request, catalogue: catalogue)
        let list = OverdueReport.list(
            reports: scope.records.map(\.report), events: scope.records.flatMap(\.events), evaluator: scope.rules.evaluator,
            units: try catalogue.units(), step: request.step, asOf: scope.asOf, from: scope.from, to: scope.to)
        return (list, scope.rules.calendar.timeZone)
    }

    /// One page of reports matching the query, newest first, with the due date of each one's current step.
    ///
    /// - Parameters:
    ///   - overdueOnly: keep only reports whose current step is open and late at `asOf`.
    ///   - page: from 1.
    ///   - asOf: the instant due dates are judged at; now when nil.
    /// - Throws: ``ClientError/invalidInput(_:)`` for a page below 1 or a limit outside 1…1000.
    public func reportPage(
        _ query: ReportQuery, overdueOnly: Bool = false, page: Int = 1, asOf: Date? = nil, catalogue: Catalogue
    ) async throws -> ReportPage {
        guard page >= 1 else { throw ClientError.invalidInput("--page starts at 1 (got \(page)).") }
        guard (1...1000).contains(query.limit) else {
            throw ClientError.invalidInput("--limit must be between 1 and 1000 (got \(query.limit)); use --page for more.")
        }
        var query = query
        query.search = query.search.map(VietnameseText.normalized)
        var rulesByProvince: [String: ProvinceRules?] = [:]
        func rules(_ province: String) -> ProvinceRules? {
            if let known = rulesByProvince[province] { return known }
            let found = try? catalogue.rules(province)
            rulesByProvince[province] = found
            return found
        }
        let instant = asOf ?? replica.clock()
        func listed(_ view: ReportView) -> ListedReport {
            let record = view.record
            let deadline = rules(record.report.area.province)?.evaluator.currentDeadline(of: record.report, events: record.events)
            return ListedReport(view: view, deadline: deadline, isOverdue: deadline?.isOverdue(at: instant) ?? false)
        }
        let limit = query.limit
        if overdueOnly {
            var all = query
            all.limit = Int.max
            all.offset = 0
            let late = try await replica.reports(matching: all).map(listed).filter(\.isOverdue)
            let slice = late.dropFirst((page - 1) * limit).prefix(limit)
            return ReportPage(reports: Array(slice), total: late.count, page: page, limit: limit, asOf: instant)
        }
        query.offset = (page - 1) * limit
        let total = try await replica.countReports(matching: query)
        let views = try await replica.reports(matching: query)
        return ReportPage(reports: views.map(listed), total: total, page: page, limit: limit, asOf: instant)
    }

    /// The whole record of one report as `onsite show --json` prints it: redacted for this replica's role, with the
    /// deadline of its current step as of `asOf`.
    public func exportedRecord(of report: String, catalogue: Catalogue, asOf: Date? = nil) async throws -> ExportedRecord {
        let record = try await replica.report(report).record
        let rules = try? catalogue.rules(record.report.area.province)
        let deadline = rules?.evaluator.currentDeadline(of: record.report, events: record.events)
        return ExportedRecord(
            record, role: try await readerRole(), deadline: deadline, calendar: rules?.calendar, asOf: asOf ?? replica.clock())
    }

    /// Every report of the replica, redacted for its role, as CSV, GeoJSON or JSON.
    ///
    /// - Parameters:
    ///   - asOf: the instant due dates and the overdue flag are judged at; now when nil.
    /// - Returns: the bytes to write (the CSV starts with a UTF-8 byte order mark).
    public func export(
        _ format: ExportFormat, catalogue: Catalogue, language: ReportLanguage = .vietnamese, asOf: Date? = nil
    ) async throws -> Data {
        let records = try await replica.allRecords()
        let role = try await readerRole()
        let instant = asOf ?? replica.clock()
        let units = try catalogue.units()
        var rulesByProvince: [String: ProvinceRules] = [:]
        for province in Set(records.map(\.report.area.province)) { rulesByProvince[province] = try? catalogue.rules(province) }
        switch format {
        case .json:
            let exported = records.map { record in
                let rules = rulesByProvince[record.report.area.province]
                return ExportedRecord(
                    record, role: role, deadline: rules?.evaluator.currentDeadline(of: record.report, events: record.events),
                    calendar: rules?.calendar, asOf: instant)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            return try encoder.encode(exported) + Data("\n".utf8)
        case .csv, .geojson:
            let names = ExportCatalogue(units: units, categories: try catalogue.categories(), rules: rulesByProvince)
            let rows = records.map { names.row($0, role: role, asOf: instant) }
            return format == .csv ? ReportExport.csv(rows, language: language) : ReportExport.geoJSON(rows)
        }
    }

    /// The role this replica reads as: its enrolment's, or the most restricted (supervisor) when not enrolled.
    public func readerRole() async throws -> Role {
        try await replica.enrolment()?.profile.role ?? .supervisor
    }

    /// The records, rules and instants of a supervisor's request, checked.
    private func supervisionScope(_ request: OverdueRequest, catalogue: Catalogue) async throws
        -> (records: [ReportRecord], rules: ProvinceRules, asOf: Date, from: Date?, to: Date?)
    {
        let records = try await replica.allRecords()
        let provinces = Set(records.map(\.report.area.province))
        guard provinces.count <= 1 else {
            throw ClientError.invalidInput("This replica holds reports of several provinces (\(provinces.sorted().joined(separator: ", "))); the table is per province.")
        }
        guard let province = provinces.first else {
            throw ClientError.invalidInput("No reports in this replica; run `onsite sync` first.")
        }
        let rules = try catalogue.rules(province)
        guard rules.policy.steps[request.step] != nil else {
            let timed = rules.policy.timedSteps.map(\.rawValue).joined(separator: ", ")
            throw ClientError.invalidInput("The policy of \(rules.policy.name) gives no deadline for the step \(request.step.rawValue); its timed steps are: \(timed).")
        }
        return (
            records, rules,
            try OverdueRequest.instant(request.asOf, "--as-of", in: rules.calendar) ?? replica.clock(),
            try OverdueRequest.instant(request.from, "--from", in: rules.calendar),
            try OverdueRequest.instant(request.to, "--to", in: rules.calendar)
        )
    }
}
