import Foundation
import OnSiteCore

/// The names and deadline rules that turn merged records into export rows: shared by the client's
/// `onsite export` and the relay's `/v1/export/…` and Open311 routes, so both write the same rows.
///
/// ```swift
/// let catalogue = try ExportCatalogue.builtIn()
/// let row = catalogue.row(record, role: .supervisor, asOf: Date())   // reporter data removed
/// ```
public struct ExportCatalogue: Sendable {
    public var units: UnitDirectory
    /// The categories, in the catalogue's order.
    public var categories: [OnSiteCore.Category]
    /// Category names by code.
    public var categoryNames: [String: String]
    /// Deadline rules by province code; a province without rules gets rows without a due date.
    public var rules: [String: ProvinceRules]

    public init(units: UnitDirectory, categories: [OnSiteCore.Category], rules: [String: ProvinceRules]) {
        self.units = units
        self.categories = categories
        self.categoryNames = Dictionary(categories.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
        self.rules = rules
    }

    /// The catalogue built into the binaries, with the rules of every built-in province.
    /// - Throws: `DataFileError` only if an embedded file is wrong (the tests decode them all).
    public static func builtIn() throws(DataFileError) -> ExportCatalogue {
        var rules: [String: ProvinceRules] = [:]
        for province in BuiltInCatalogue.provinces { rules[province] = try BuiltInCatalogue.rules(province: province) }
        return ExportCatalogue(units: try BuiltInCatalogue.units(), categories: try BuiltInCatalogue.categories(), rules: rules)
    }

    /// The deadline of the record's current step, when its province's policy times that step.
    public func deadline(of record: ReportRecord) -> Deadline? {
        rules[record.report.area.province]?.evaluator.currentDeadline(of: record.report, events: record.events)
    }

    /// One export row: the record redacted for `role` (see ``Redaction``), names resolved, due date as of `asOf`.
    public func row(_ record: ReportRecord, role: Role, asOf: Date) -> ExportRow {
        let report = Redaction.redacted(record.report, for: role)
        return ExportRow(
            report: report, categoryName: categoryNames[report.category] ?? report.category,
            districtName: units.name(of: report.area.district), communeName: report.area.commune.map(units.name(of:)),
            assignedUnitName: report.assignedUnit.map(units.name(of:)), deadline: deadline(of: record), asOf: asOf,
            noteCount: record.notes.count, verificationCount: record.verifications.count, photoCount: record.attachments.count)
    }
}
