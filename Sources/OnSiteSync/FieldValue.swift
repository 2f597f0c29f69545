import Foundation
import OnSiteCore

/// The value of a scalar field on the wire: a string, a boolean, a position, or null.
public enum FieldValue: Codable, Sendable, Hashable, CustomStringConvertible {
    case text(String)
    case flag(Bool)
    case point(GeoPoint)
    case null

    enum Kind { case text, optionalText, flag, point }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .flag(flag)
        } else if let text = try? container.decode(String.self) {
            self = .text(text)
        } else if let point = try? container.decode(GeoPoint.self) {
            self = .point(point)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a string, a boolean, {latitude, longitude} or null")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .flag(let flag): try container.encode(flag)
        case .point(let point): try container.encode(point)
        case .null: try container.encodeNil()
        }
    }

    public var description: String {
        switch self {
        case .text(let text): text
        case .flag(let flag): flag ? "yes" : "no"
        case .point(let point): "\(point.latitude), \(point.longitude)"
        case .null: "(none)"
        }
    }

    /// Whether the value fits the field; returns a sentence saying what is wrong otherwise.
    func problem(for field: ReportField) -> String? {
        switch (field.expectedKind, self) {
        case (.text, .text(let text)), (.optionalText, .text(let text)):
            return text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && field.expectedKind == .text
                ? "`\(field.rawValue)` cannot be empty" : nil
        case (.optionalText, .null), (.flag, .flag), (.point, .null):
            return nil
        case (.point, .point(let point)):
            return point.isValid ? nil : "`location` must have latitude in -90…90 and longitude in -180…180"
        default:
            return "`\(field.rawValue)` takes \(field.expectedKind.name), not \(self.kindName)"
        }
    }

    private var kindName: String {
        switch self {
        case .text: "a string"
        case .flag: "a boolean"
        case .point: "a position"
        case .null: "null"
        }
    }
}

extension FieldValue.Kind {
    var name: String {
        switch self {
        case .text: "a non-empty string"
        case .optionalText: "a string or null"
        case .flag: "a boolean"
        case .point: "a position {latitude, longitude} or null"
        }
    }
}
