import Foundation

/// The canonical byte form of a wire value (`Protocol/evidence.md`, "Canonical form"): the value as the wire
/// encodes it, re-written so that equal values give equal bytes in every process.
///
/// - objects: keys sorted by their UTF-8 bytes, no whitespace anywhere;
/// - strings: NFC, UTF-8, only `"`, `\` and U+0000-U+001F escaped (`\"`, `\\`, `\u00xx` in lower-case hex);
/// - numbers: an integral value of magnitude below 2^53 as an integer (`3`, `-12`); any other as the shortest
///   decimal that reads back as the same IEEE 754 double, in plain notation, without a fraction when it has
///   none (`21.38705`, `0.00001`, `9007199254740992`);
/// - `true`, `false`, `null` as themselves; arrays keep their order (sets are arrays sorted by the encoder).
///
/// ```swift
/// let bytes = try CanonicalJSON.bytes(of: operation)  // [UInt8], the same on the client and the relay
/// ```
public indirect enum CanonicalJSON: Sendable, Hashable, Decodable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([CanonicalJSON])
    case object([String: CanonicalJSON])

    /// The canonical bytes of `value` as the wire encodes it.
    ///
    /// - Throws: an encoding error when `value` cannot be encoded (a non-finite number).
    public static func bytes<T: Encodable>(of value: T) throws -> [UInt8] {
        try canonicalBytes(ofJSON: WireCoding.encode(value))
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([CanonicalJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: CanonicalJSON].self))
        }
    }

    /// This value in canonical form.
    public var canonicalBytes: [UInt8] {
        var output: [UInt8] = []
        write(to: &output)
        return output
    }

    /// The same value without one key of the top-level object (the operation without its `signature`).
    public func removing(key: String) -> CanonicalJSON {
        guard case .object(var members) = self else { return self }
        members[key] = nil
        return .object(members)
    }

    func write(to output: inout [UInt8]) {
        switch self {
        case .null: output += Array("null".utf8)
        case .bool(let value): output += Array((value ? "true" : "false").utf8)
        case .integer(let value): output += Array(String(value).utf8)
        case .number(let value): output += Array(Self.numberText(value).utf8)
        case .string(let value): Self.writeString(value, to: &output)
        case .array(let values):
            output.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                value.write(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            let keys = members.keys.map { (Array($0.precomposedStringWithCanonicalMapping.utf8), $0) }
                .sorted { $0.0.lexicographicallyPrecedes($1.0) }
            for (index, (_, key)) in keys.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                Self.writeString(key, to: &output)
                output.append(UInt8(ascii: ":"))
                members[key]?.write(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func writeString(_ value: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        // ASCII text is in NFC already: only other text pays for normalisation.
        let normalized = value.utf8.allSatisfy { $0 < 0x80 } ? value : value.precomposedStringWithCanonicalMapping
        for byte in normalized.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): output += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0..<0x20:
                output += Array("\\u00".utf8)
                output += [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0f)]]
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// A double in canonical text: an integer below 2^53, else the shortest round-trip digits in plain notation.
    static func numberText(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 {
            return String(Int64(value))
        }
        let text = value.description  // shortest round-trip digits, possibly "1.5e-05" or "1e+16"
        guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }), let exponent = Int(text[text.index(after: e)...]) else {
            return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
        }
        var mantissa = String(text[..<e])
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa.removeFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let whole = String(parts[0])
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        var digits = whole + fraction
        let point = whole.count + exponent  // position of the decimal point within `digits`
        while digits.count > 1, digits.last == "0", point < digits.count { digits.removeLast() }
        let plain: String
        if point <= 0 {
            plain = "0." + String(repeating: "0", count: -point) + digits
        } else if point >= digits.count {
            plain = digits + String(repeating: "0", count: point - digits.count)
        } else {
            let index = digits.index(digits.startIndex, offsetBy: point)
            plain = digits[..<index] + "." + digits[index...]
        }
        return negative ? "-" + plain : plain
    }
}
