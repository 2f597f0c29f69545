import Foundation

/// One report as exports carry it: plain values, names resolved from the catalogue, reporter data already
/// redacted for the reader's role (the caller decides, see `Redaction` in OnSiteSync).
public struct ExportRow: Sendable, Hashable, Codable {
    public var id: String
    public var code: String
    public var title: String
    public var description: String
    public var category: String
    public var categoryName: String
    public var status: ReportStatus
    public var isUrgent: Bool
    public var receivedAt: Date
    public var province: String
    public var district: String
    public var districtName: String
    public var commune: String?
    public var communeName: String?
    public var assignedUnit: String?
    public var assignedUnitName: String?
    public var address: String
    public var location: GeoPoint?
    /// The step running now and its due date in force, when the policy times it.
    public var currentStep: DeadlineStep?
    public var due: Date?
    /// Whether the current step is open and late at the export's instant.
    public var isOverdue: Bool
    /// Set when the report is hidden (a violation); hidden reports stay in exports, marked.
    public var hiddenReason: String?
    /// Empty when the reader's role may not see them.
    public var reporterName: String?
    public var reporterPhone: String?
    public var reporterEmail: String?
    public var isConfidential: Bool
    public var noteCount: Int
    public var verificationCount: Int
    public var photoCount: Int

    public init(
        report: Report, categoryName: String, districtName: String, communeName: String?, assignedUnitName: String?,
        deadline: Deadline?, asOf: Date, noteCount: Int, verificationCount: Int, photoCount: Int
    ) {
        id = report.id
        code = report.code
        title = report.title
        description = report.description
        category = report.category
        self.categoryName = categoryName
        status = report.status
        isUrgent = report.isUrgent
        receivedAt = report.receivedAt
        province = report.area.province
        district = report.area.district
        self.districtName = districtName
        commune = report.area.commune
        self.communeName = communeName
        assignedUnit = report.assignedUnit
        self.assignedUnitName = assignedUnitName
        address = report.address
        location = report.location
        currentStep = deadline?.step
        due = deadline?.due(at: asOf)
        isOverdue = deadline?.isOverdue(at: asOf) ?? false
        hiddenReason = report.hiddenReason
        reporterName = report.reporter.name
        reporterPhone = report.reporter.phone
        reporterEmail = report.reporter.email
        isConfidential = report.reporter.isConfidential
        self.noteCount = noteCount
        self.verificationCount = verificationCount
        self.photoCount = photoCount
    }
}
