import Foundation

/// Writes reports for other systems: CSV that Excel opens with Vietnamese intact, and GeoJSON for maps.
///
/// - CSV (RFC 4180): a UTF-8 byte order mark (Excel reads UTF-8 only with it), CRLF line ends, fields quoted when
///   they hold a comma, a quote, CR or LF (quotes doubled). Free-text cells that start with `=`, `+`, `-`, `@`,
///   tab or CR get a leading `'` so a spreadsheet does not run a citizen's text as a formula.
/// - GeoJSON (RFC 7946): a `FeatureCollection` of `Point` features in WGS 84, longitude first; a report without
///   a position is a feature with `"geometry": null`, so none is dropped.
///
/// ```swift
/// let csv = ReportExport.csv(rows, language: .vietnamese)   // Data, BOM first
/// ```
public enum ReportExport {
    /// The byte order mark that starts the CSV.
    public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The CSV columns, in order, as (Vietnamese, English) headers.
    public static let columns: [(vi: String, en: String)] = [
        ("Mã PAHT", "Code"), ("Tiêu đề", "Title"), ("Nội dung", "Description"), ("Lĩnh vực", "Category"),
        ("Trạng thái", "Status"), ("Khẩn", "Urgent"), ("Thời điểm tiếp nhận", "Received at"),
        ("Cấp huyện", "District"), ("Cấp xã", "Commune"), ("Cơ quan xử lý", "Processing unit"), ("Địa chỉ", "Address"),
        ("Vĩ độ", "Latitude"), ("Kinh độ", "Longitude"), ("Bước hiện tại", "Current step"), ("Hạn", "Due"),
        ("Quá hạn", "Overdue"), ("Lý do ẩn", "Hidden reason"), ("Người phản ánh", "Reporter"),
        ("Điện thoại", "Phone"), ("Email", "Email"), ("Bảo mật", "Confidential"), ("Số ghi chú", "Notes"),
        ("Số lần xác minh", "Verifications"), ("Số ảnh", "Photos"), ("Mã hệ thống", "Id"),
    ]

    /// The rows as CSV bytes: BOM, header, one record per report. Instants are ISO 8601 in UTC.
    public static func csv(_ rows: [ExportRow], language: ReportLanguage = .vietnamese) -> Data {
        rows.reduce(into: csvHeader(language: language)) { $0.append(csvRecord($1, language: language)) }
    }

    /// The start of a CSV export: the byte order mark and the header line (CRLF-terminated). Followed by one
    /// ``csvRecord(_:language:)`` per report, it is ``csv(_:language:)``, so a server can stream it row by row.
    public static func csvHeader(language: ReportLanguage = .vietnamese) -> Data {
        let vi = language == .vietnamese
        return Data(byteOrderMark) + Data((columns.map { field(vi ? $0.vi : $0.en) }.joined(separator: ",") + "\r\n").utf8)
    }

    /// One report as a CSV record, CRLF-terminated.
    public static func csvRecord(_ row: ExportRow, language: ReportLanguage = .vietnamese) -> Data {
        let vi = language == .vietnamese
        let yes = vi ? "có" : "yes", no = vi ? "không" : "no"
        let cells: [String] = [
            text(row.code), text(row.title), text(row.description), text(row.categoryName),
            vi ? row.status.label : row.status.rawValue, row.isUrgent ? yes : no, WireDate.format(row.receivedAt),
            text(row.districtName), text(row.communeName ?? ""), text(row.assignedUnitName ?? ""), text(row.address),
            row.location.map { coordinate($0.latitude) } ?? "", row.location.map { coordinate($0.longitude) } ?? "",
            row.currentStep.map { vi ? $0.label : $0.englishLabel } ?? "", row.due.map(WireDate.format) ?? "",
            row.isOverdue ? yes : no, text(row.hiddenReason ?? ""), text(row.reporterName ?? ""),
            text(row.reporterPhone ?? ""), text(row.reporterEmail ?? ""), row.isConfidential ? yes : no,
            String(row.noteCount), String(row.verificationCount), String(row.photoCount), text(row.id),
        ]
        return Data((cells.map(field).joined(separator: ",") + "\r\n").utf8)
    }

    /// The rows as a GeoJSON `FeatureCollection`.
    public static func geoJSON(_ rows: [ExportRow]) -> Data {
        var data = geoJSONStart
        for (index, row) in rows.enumerated() {
            if index > 0 { data.append(geoJSONSeparator) }
            data.append(geoJSONFeature(row))
        }
        return data + geoJSONEnd
    }

    /// What a GeoJSON export starts with; then features separated by ``geoJSONSeparator``, then ``geoJSONEnd``.
    public static let geoJSONStart = Data(#"{"type":"FeatureCollection","features":["#.utf8)
    /// Between two features of a GeoJSON export.
    public static let geoJSONSeparator = Data(",".utf8)
    /// What a GeoJSON export ends with.
    public static let geoJSONEnd = Data("]}".utf8)

    /// One report as a GeoJSON `Feature` (a `Point` in WGS 84, longitude first, or a null geometry).
    public static func geoJSONFeature(_ row: ExportRow) -> Data {
        let feature = Feature(
            id: row.id, geometry: row.location.map { Point(coordinates: [$0.longitude, $0.latitude]) }, properties: Properties(row))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(WireDate.format(date))
        }
        // Strings, finite numbers, booleans and nulls always encode.
        return (try? encoder.encode(feature)) ?? Data(#"{"type":"Feature","id":null,"geometry":null,"properties":{}}"#.utf8)
    }

    /// A CSV field, quoted when RFC 4180 asks for it.
    static func field(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
            return value
        }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Free text made safe for spreadsheets: NFC, and no leading formula character.
    static func text(_ value: String) -> String {
        let nfc = VietnameseText.normalized(value)
        guard let first = nfc.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return nfc }
        return "'" + nfc
    }

    private static func coordinate(_ value: Double) -> String { String(format: "%.6f", value) }

    private struct Feature: Encodable {
        let type = "Feature"
        var id: String
        var geometry: Point?

        var properties: Properties

        enum CodingKeys: String, CodingKey { case type, id, geometry, properties }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(type, forKey: .type)
            try c.encode(id, forKey: .id)
            try c.encode(geometry, forKey: .geometry)  // explicit null when unknown, as RFC 7946 §3.2 asks
            try c.encode(properties, forKey: .properties)
        }
    }

    private struct Point: Encodable {
        let type = "Point"
        var coordinates: [Double]
    }

    private struct Properties: Encodable {
        var code, title, category, categoryName, status, statusLabel, district, districtName: String
        var commune, communeName, assignedUnit, assignedUnitName, currentStep, hiddenReason: String?
        var reporterName, reporterPhone, reporterEmail: String?
        var isUrgent, isOverdue, isConfidential: Bool
        var receivedAt: Date
        var due: Date?
        var address: String

        init(_ row: ExportRow) {
            code = row.code
            title = row.title
            category = row.category
            categoryName = row.categoryName
            status = row.status.rawValue
            statusLabel = row.status.label
            district = row.district
            districtName = row.districtName
            commune = row.commune
            communeName = row.communeName
            assignedUnit = row.assignedUnit
            assignedUnitName = row.assignedUnitName
            currentStep = row.currentStep?.rawValue
            hiddenReason = row.hiddenReason
            reporterName = row.reporterName
            reporterPhone = row.reporterPhone
            reporterEmail = row.reporterEmail
            isUrgent = row.isUrgent
            isOverdue = row.isOverdue
            isConfidential = row.isConfidential
            receivedAt = row.receivedAt
            due = row.due
            address = row.address
        }

        enum CodingKeys: String, CodingKey {
            case code, title, category, status, district, commune, address, due
            case categoryName = "category_name", statusLabel = "status_label", districtName = "district_name"
            case communeName = "commune_name", assignedUnit = "assigned_unit", assignedUnitName = "assigned_unit_name"
            case currentStep = "current_step", hiddenReason = "hidden_reason", reporterName = "reporter_name"
            case reporterPhone = "reporter_phone", reporterEmail = "reporter_email", isUrgent = "is_urgent"
            case isOverdue = "is_overdue", isConfidential = "is_confidential", receivedAt = "received_at"
        }
    }
}
