import OnSiteCore

/// A scalar field of a report that an operation may set. Merged per field, last writer wins.
public enum ReportField: String, Codable, Sendable, CaseIterable, Hashable {
    case title
    case description
    case category
    case address
    case location
    case isUrgent = "urgent"
    case assignedUnit = "assigned_unit"
    case hiddenReason = "hidden_reason"

    /// The kind of value the field takes.
    var expectedKind: FieldValue.Kind {
        switch self {
        case .title, .description, .category, .address: .text
        case .location: .point
        case .isUrgent: .flag
        case .assignedUnit, .hiddenReason: .optionalText
        }
    }

    /// The field's current value in a report.
    public func value(in report: Report) -> FieldValue {
        switch self {
        case .title: .text(report.title)
        case .description: .text(report.description)
        case .category: .text(report.category)
        case .address: .text(report.address)
        case .location: report.location.map(FieldValue.point) ?? .null
        case .isUrgent: .flag(report.isUrgent)
        case .assignedUnit: report.assignedUnit.map(FieldValue.text) ?? .null
        case .hiddenReason: report.hiddenReason.map(FieldValue.text) ?? .null
        }
    }

    /// Writes a value already checked by ``FieldValue/check(for:)``.
    func assign(_ value: FieldValue, to report: inout Report) {
        switch (self, value) {
        case (.title, .text(let text)): report.title = text
        case (.description, .text(let text)): report.description = text
        case (.category, .text(let text)): report.category = text
        case (.address, .text(let text)): report.address = text
        case (.location, .point(let point)): report.location = point
        case (.location, .null): report.location = nil
        case (.isUrgent, .flag(let flag)): report.isUrgent = flag
        case (.assignedUnit, .text(let text)): report.assignedUnit = text
        case (.assignedUnit, .null): report.assignedUnit = nil
        case (.hiddenReason, .text(let text)): report.hiddenReason = text
        case (.hiddenReason, .null): report.hiddenReason = nil
        default: break
        }
    }
}
