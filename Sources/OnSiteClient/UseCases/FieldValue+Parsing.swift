import Foundation
import OnSiteCore
import OnSiteSync

extension FieldValue {
    /// Reads a field's value as a person types it: `yes`/`no` for `urgent`, `"LAT,LON"` for `location`, empty
    /// for none where the field allows it, text (in NFC) otherwise.
    ///
    /// ```swift
    /// try FieldValue.parse("có", for: .isUrgent)            // .flag(true)
    /// try FieldValue.parse("21.386,103.017", for: .location) // .point(…)
    /// ```
    ///
    /// - Throws: ``ClientError/invalidInput(_:)`` naming the form the field takes.
    public static func parse(_ text: String, for field: ReportField) throws(ClientError) -> FieldValue {
        switch field {
        case .isUrgent:
            switch text.lowercased() {
            case "yes", "true", "1", "có": return .flag(true)
            case "no", "false", "0", "không": return .flag(false)
            default: throw .invalidInput("`urgent` takes yes or no, not \"\(text)\".")
            }
        case .location:
            if text.isEmpty { return .null }
            let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, let lat = parts[0], let lon = parts[1] else {
                throw .invalidInput("`location` takes \"LATITUDE,LONGITUDE\" in decimal degrees, e.g. \"21.386,103.017\".")
            }
            return .point(GeoPoint(latitude: lat, longitude: lon))
        case .assignedUnit, .hiddenReason:
            return text.isEmpty ? .null : .text(VietnameseText.normalized(text))
        default:
            return .text(VietnameseText.normalized(text))
        }
    }
}
