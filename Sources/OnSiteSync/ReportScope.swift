import OnSiteCore

/// Where a report belongs, for deciding who holds it: the unit it is assigned to, and its place.
///
/// Officers and unit leaders hold the reports assigned to their units: when the hub reassigns a report,
/// it leaves the old unit's devices and reaches the new one's. The hub and supervisors hold every report
/// of their province or district, whatever unit handles it.
public struct ReportScope: Sendable, Hashable {
    public var assignedUnit: String?
    /// Province, district and commune codes.
    public var area: Set<String>

    public init(assignedUnit: String?, area: Set<String>) {
        self.assignedUnit = assignedUnit
        self.area = area
    }

    /// As stored by the relay: `assigned|area1,area2,…`.
    public var encoded: String { (assignedUnit ?? "") + "|" + area.sorted().joined(separator: ",") }

    public init(encoded: String) {
        let parts = encoded.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
        assignedUnit = parts.first.flatMap { $0.isEmpty ? nil : String($0) }
        area = parts.count > 1 ? Set(parts[1].split(separator: ",").map(String.init)) : []
    }
}

extension Report {
    public var scope: ReportScope { ReportScope(assignedUnit: assignedUnit, area: Set(area.unitCodes)) }
}
