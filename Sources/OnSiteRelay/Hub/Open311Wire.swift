import Foundation
import OnSiteCore
import OnSiteSync

/// The bodies of the Open311 GeoReport v2 read endpoints (JSON format), with snake_case keys as the spec writes
/// them. See `Protocol/openapi.yaml` (`Open311Service`, `Open311Request`, `Open311Errors`) and README, "What the
/// API offers".
enum Open311 {
    /// Open311's two statuses. OnSite's statuses map onto them with ``status(of:)``.
    enum Status: String, Sendable, CaseIterable, Encodable {
        case open, closed
    }

    /// `closed` for a report whose handling has ended (rejected, a duplicate, its result published, delivered
    /// privately, or rated); `open` for every other status, including `approved` (a result not yet published)
    /// and `reopened`.
    static func status(of status: ReportStatus) -> Status {
        closedStatuses.contains(status) ? .closed : .open
    }

    static let closedStatuses: Set<ReportStatus> = [.rejected, .duplicate, .published, .deliveredPrivately, .rated]

    /// The group every service belongs to in `services.json`.
    static let serviceGroup = "Phản ánh hiện trường"

    /// One category as an Open311 service.
    struct Service: Encodable, Sendable {
        var serviceCode: String
        var serviceName: String
        var description: String
        /// No extra attributes to fill in: OnSite's reads need no service definition.
        var metadata = false
        var type = "realtime"
        var keywords: String
        var group = Open311.serviceGroup

        init(_ category: OnSiteCore.Category) {
            serviceCode = category.code
            serviceName = category.name
            description = "Phản ánh hiện trường thuộc lĩnh vực \(category.name)."
            keywords = category.code.split(separator: "-").joined(separator: ",")
        }

        enum CodingKeys: String, CodingKey {
            case serviceCode = "service_code", serviceName = "service_name", description, metadata, type, keywords, group
        }
    }

    /// One report as an Open311 service request. Never carries the reporter's personal data, whatever the role.
    struct Request: Encodable, Sendable {
        var serviceRequestId: String
        var status: Status
        var statusNotes: String?
        var serviceName: String
        var serviceCode: String
        var description: String
        var agencyResponsible: String?
        var requestedDatetime: String
        var updatedDatetime: String
        var expectedDatetime: String?
        var address: String
        var lat: Double?
        var long: Double?
        var mediaURL: String?
        // Extensions (allowed by GeoReport v2): OnSite's own code, title and status, and the overdue flag.
        var code: String
        var title: String
        var onsiteStatus: ReportStatus
        var isOverdue: Bool

        /// - Parameters:
        ///   - mediaBase: the relay's origin (`https://host:port`) the photo's `/v1/blobs/{sha256}` hangs under.
        init(_ record: ReportRecord, row: ExportRow, mediaBase: String) {
            let report = record.report
            serviceRequestId = report.id
            status = Open311.status(of: report.status)
            statusNotes = report.hiddenReason.map { "Đã ẩn: \($0)" }
                ?? record.events.last(where: { $0.action.hasPrefix("transition:") }).map(\.detail).flatMap { $0.isEmpty ? nil : $0 }
            serviceName = row.categoryName
            serviceCode = report.category
            description = report.description.isEmpty ? report.title : report.description
            agencyResponsible = row.assignedUnitName
            requestedDatetime = WireDate.format(report.receivedAt)
            let changes = [report.receivedAt] + record.events.map(\.at) + record.notes.map(\.at)
                + record.verifications.map(\.visitedAt) + record.attachments.map(\.addedAt)
            updatedDatetime = WireDate.format(changes.max() ?? report.receivedAt)
            expectedDatetime = row.due.map(WireDate.format)
            address = report.address
            lat = report.location?.latitude
            long = report.location?.longitude
            // The first photo whose bytes the relay holds: any device that sees the report may download it
            // (Protocol/uploads.md, "Access", rule 2).
            mediaURL = record.attachments.first { $0.contentType.hasPrefix("image/") && record.availableBlobs.contains($0.sha256) }
                .map { "\(mediaBase)/v1/blobs/\($0.sha256)" }
            code = report.code
            title = report.title
            onsiteStatus = report.status
            isOverdue = row.isOverdue
        }

        enum CodingKeys: String, CodingKey {
            case serviceRequestId = "service_request_id", status, statusNotes = "status_notes", serviceName = "service_name"
            case serviceCode = "service_code", description, agencyResponsible = "agency_responsible"
            case requestedDatetime = "requested_datetime", updatedDatetime = "updated_datetime"
            case expectedDatetime = "expected_datetime", address, lat, long, mediaURL = "media_url"
            case code = "onsite_code", title = "onsite_title", onsiteStatus = "onsite_status", isOverdue = "onsite_is_overdue"
        }
    }

    /// One entry of Open311's error body, an array of them: `[{"code": 400, "description": "…"}]`. `code` is the
    /// HTTP status as the spec's examples use it; `onsite_code` is the relay's stable machine code.
    struct Error: Encodable, Sendable {
        var code: Int
        var description: String
        var onsiteCode: String

        enum CodingKeys: String, CodingKey {
            case code, description, onsiteCode = "onsite_code"
        }
    }
}
