import Foundation

extension CanonicalJSON {
    /// The canonical form of JSON text written by the wire encoder, re-written in one pass over its bytes,
    /// without building a tree: the same bytes as decoding it as a ``CanonicalJSON`` tree and writing that
    /// (`Protocol/evidence.md`, "Canonical form"), at a fraction of the cost.
    ///
    /// - Parameters:
    ///   - json: well-formed JSON (the wire encoder's output).
    ///   - omittingTopLevelKey: a key of the top-level object left out (`signature`).
    /// - Throws: ``CanonicalJSONError`` when the text is not well-formed JSON.
    public static func canonicalBytes(ofJSON json: Data, omittingTopLevelKey omitted: String? = nil) throws(CanonicalJSONError) -> [UInt8] {
        var reader = CanonicalJSONReader(bytes: Array(json))
        var output: [UInt8] = []
        output.reserveCapacity(json.count)
        reader.skipSpace()
        try reader.value(into: &output, omitting: omitted.map { Array($0.utf8) })
        reader.skipSpace()
        guard reader.index == reader.bytes.count else { throw .malformed(at: reader.index) }
        return output
    }
}

/// JSON that the canonical writer could not read.
public enum CanonicalJSONError: Error, Sendable, Hashable, CustomStringConvertible {
    case malformed(at: Int)

    public var description: String {
        switch self {
        case .malformed(let offset): "The operation's JSON is not well formed at byte \(offset); it cannot be put in canonical form."
        }
    }
}

/// The one-pass reader behind ``CanonicalJSON/canonicalBytes(ofJSON:omittingTopLevelKey:)``.
struct CanonicalJSONReader {
    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
    }

    /// Reads one value and writes its canonical form; `omitting` applies to this value's members when an object.
    mutating func value(into output: inout [UInt8], omitting: [UInt8]? = nil) throws(CanonicalJSONError) {
        guard index < bytes.count else { throw .malformed(at: index) }
        switch bytes[index] {
        case UInt8(ascii: "{"): try object(into: &output, omitting: omitting)
        case UInt8(ascii: "["): try array(into: &output)
        case UInt8(ascii: "\""):
            let text = try string()
            CanonicalJSON.writeString(text, to: &output)
        case UInt8(ascii: "t"): try literal("true", into: &output)
        case UInt8(ascii: "f"): try literal("false", into: &output)
        case UInt8(ascii: "n"): try literal("null", into: &output)
        default: try number(into: &output)
        }
    }

    private mutating func literal(_ word: String, into output: inout [UInt8]) throws(CanonicalJSONError) {
        let count = word.utf8.count
        guard index + count <= bytes.count, word.utf8.elementsEqual(bytes[index..<index + count]) else { throw .malformed(at: index) }
        output.append(contentsOf: bytes[index..<index + count])
        index += count
    }

    private mutating func object(into output: inout [UInt8], omitting: [UInt8]?) throws(CanonicalJSONError) {
        index += 1
        var members: [(key: [UInt8], value: [UInt8])] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw .malformed(at: index) }
                let key = try string()
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw .malformed(at: index) }
                index += 1
                skipSpace()
                var value: [UInt8] = []
                try self.value(into: &value)
                let keyBytes = Array(Self.isASCII(key) ? key.utf8 : key.precomposedStringWithCanonicalMapping.utf8)
                if keyBytes != omitting {
                    // A repeated key keeps its last value, as a decoded dictionary would.
                    if let existing = members.firstIndex(where: { $0.key == keyBytes }) { members.remove(at: existing) }
                    members.append((keyBytes, value))
                }
                skipSpace()
                guard index < bytes.count else { throw .malformed(at: index) }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                guard bytes[index] == UInt8(ascii: "}") else { throw .malformed(at: index) }
                index += 1
                break
            }
        }
        members.sort { $0.key.lexicographicallyPrecedes($1.key) }
        output.append(UInt8(ascii: "{"))
        for (position, member) in members.enumerated() {
            if position > 0 { output.append(UInt8(ascii: ",")) }
            CanonicalJSON.writeString(String(decoding: member.key, as: UTF8.self), to: &output)
            output.append(UInt8(ascii: ":"))
            output += member.value
        }
        output.append(UInt8(ascii: "}"))
    }

    private mutating func array(into output: inout [UInt8]) throws(CanonicalJSONError) {
        index += 1
        output.append(UInt8(ascii: "["))
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            output.append(UInt8(ascii: "]"))
            return
        }
        var first = true
        while true {
            skipSpace()
            if !first { output.append(UInt8(ascii: ",")) }
            first = false
            try value(into: &output)
            skipSpace()
            guard index < bytes.count else { throw .malformed(at: index) }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            guard bytes[index] == UInt8(ascii: "]") else { throw .malformed(at: index) }
            index += 1
            output.append(UInt8(ascii: "]"))
            return
        }
    }

    /// A JSON string's value (escapes resolved).
    private mutating func string() throws(CanonicalJSONError) -> String {
        let start = index + 1
        var end = start
        var escaped = false
        while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
            if bytes[end] == UInt8(ascii: "\\") {
                escaped = true
                end += 1
            }
            end += 1
        }
        guard end < bytes.count else { throw .malformed(at: index) }
        index = end + 1
        guard escaped else { return String(decoding: bytes[start..<end], as: UTF8.self) }
        // Rare (quotes, backslashes, control characters): let the JSON decoder resolve the escapes.
        guard let text = try? JSONDecoder().decode(String.self, from: Data(bytes[(start - 1)...end])) else { throw .malformed(at: start - 1) }
        return text
    }

    private mutating func number(into output: inout [UInt8]) throws(CanonicalJSONError) {
        let start = index
        while index < bytes.count, Self.isNumberByte(bytes[index]) { index += 1 }
        guard index > start else { throw .malformed(at: start) }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        // An integer literal that fits 64 bits is written as that integer (as the tree's `integer` case).
        if !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let integer = Int64(text) {
            output += Array(String(integer).utf8)
            return
        }
        // Any other number is a double, as the tree reads it: an integer below 2^53, else its shortest digits.
        guard let double = Double(text), double.isFinite else { throw .malformed(at: start) }
        output += Array(CanonicalJSON.numberText(double).utf8)
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
    }

    private static func isASCII(_ text: String) -> Bool { text.utf8.allSatisfy { $0 < 0x80 } }
}
