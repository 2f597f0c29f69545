import Foundation

/// The administrative place of a report: province → district → commune, by unit code.
public struct AdministrativeArea: Codable, Sendable, Hashable {
    public var province: String
    public var district: String
    public var commune: String?

    public init(province: String, district: String, commune: String? = nil) {
        self.province = province
        self.district = district
        self.commune = commune
    }

    /// Every unit code this area belongs to, widest first.
    public var unitCodes: [String] { [province, district] + (commune.map { [$0] } ?? []) }
}

/// The citizen who sent a report. Personal data: redacted for roles that may not see it.
public struct Reporter: Codable, Sendable, Hashable {
    public var name: String?
    public var phone: String?
    public var email: String?
    /// The reporter asked that their identity and the result stay private (bảo mật thông tin).
    public var isConfidential: Bool

    public init(name: String? = nil, phone: String? = nil, email: String? = nil, isConfidential: Bool = false) {
        self.name = name
        self.phone = phone
        self.email = email
        self.isConfidential = isConfidential
    }
}

/// An on-site report (phản ánh hiện trường) as the hub forwards it.
public struct Report: Codable, Sendable, Hashable, Identifiable {
    /// Stable identifier, unique across the province (the hub's id).
    public var id: String
    /// The human code printed on notices, e.g. `DB-2024-00017`.
    public var code: String
    public var title: String
    public var description: String
    /// Category code from the catalogue (lĩnh vực).
    public var category: String
    public var location: GeoPoint?
    public var address: String
    public var area: AdministrativeArea
    public var reporter: Reporter
    /// Fire, accidents, crime, safety: handled immediately.
    public var isUrgent: Bool
    public var receivedAt: Date
    public var status: ReportStatus
    /// The processing unit the hub forwarded the report to.
    public var assignedUnit: String?
    /// When the current step must be done, derived from the policy and the history.
    public var dueAt: Date?
    /// Reports are never deleted; a violating one is hidden with this reason.
    public var hiddenReason: String?

    public init(
        id: String, code: String, title: String, description: String, category: String,
        location: GeoPoint?, address: String, area: AdministrativeArea, reporter: Reporter,
        isUrgent: Bool = false, receivedAt: Date, status: ReportStatus = .received,
        assignedUnit: String? = nil, dueAt: Date? = nil, hiddenReason: String? = nil
    ) {
        self.id = id
        self.code = code
        self.title = title
        self.description = description
        self.category = category
        self.location = location
        self.address = address
        self.area = area
        self.reporter = reporter
        self.isUrgent = isUrgent
        self.receivedAt = receivedAt
        self.status = status
        self.assignedUnit = assignedUnit
        self.dueAt = dueAt
        self.hiddenReason = hiddenReason
    }

    /// Every unit code the report belongs to: its area and its assigned unit.
    public var unitCodes: Set<String> {
        var codes = Set(area.unitCodes)
        if let assignedUnit { codes.insert(assignedUnit) }
        return codes
    }
}
