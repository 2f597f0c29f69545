import Foundation

/// What the relay needs to know of a stored operation to serve it without decoding it: its change's kind (a
/// `create_report` may need redaction) and the key id of its signature (the page lists its signers' keys).
///
/// The bytes are walked as JSON (strings with their escapes, nested objects and arrays skipped by structure) in
/// one pass with no allocation but the two strings: decoding and encoding each served operation again cost more
/// than half of a busy relay's time (README, "Many devices at once").
public struct StoredOperationPeek: Sendable, Hashable {
    /// The `kind` of the operation's `change` (`add_note`, `create_report`, …).
    public var kind: String?
    /// The `keyId` of the operation's `signature`, when signed.
    public var keyId: String?

    public init(kind: String? = nil, keyId: String? = nil) {
        self.kind = kind
        self.keyId = keyId
    }

    /// The deepest nesting walked; a deeper value is not what the relay stores, and the caller decodes instead.
    static let maxDepth = 64

    /// Reads `kind` and `keyId` from an operation's JSON bytes; nil when the bytes are not a JSON object this
    /// walk can read (the caller then decodes them, which says what is wrong).
    public static func peek(_ data: Data) -> StoredOperationPeek? {
        data.withUnsafeBytes { raw -> StoredOperationPeek? in
            var scanner = Scanner(bytes: raw.bindMemory(to: UInt8.self))
            return scanner.operation()
        }
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        mutating func operation() -> StoredOperationPeek? {
            var peek = StoredOperationPeek()
            let complete = object(depth: 0) { scanner, key in
                if key.elementsEqual("change".utf8) {
                    return scanner.member(named: "kind", into: &peek.kind)
                } else if key.elementsEqual("signature".utf8) {
                    return scanner.member(named: "keyId", into: &peek.keyId)
                }
                return scanner.value(depth: 1)
            }
            skipSpace()
            return complete && index == bytes.count ? peek : nil
        }

        /// An object value whose string member `name` is read into `found` (a `null` or any other value is walked).
        private mutating func member(named name: String, into found: inout String?) -> Bool {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return value(depth: 1) }
            return object(depth: 1) { scanner, key in
                guard key.elementsEqual(name.utf8) else { return scanner.value(depth: 2) }
                scanner.skipSpace()
                guard scanner.index < scanner.bytes.count, scanner.bytes[scanner.index] == UInt8(ascii: "\"") else { return scanner.value(depth: 2) }
                guard let text = scanner.string(), !text.escaped else { return false }
                found = String(decoding: UnsafeBufferPointer(rebasing: scanner.bytes[text.range]), as: UTF8.self)
                return true
            }
        }

        /// An object: each key handed to `member`, which must walk its value.
        private mutating func object(depth: Int, member: (inout Scanner, UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
            skipSpace()
            guard depth < StoredOperationPeek.maxDepth, index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return false }
            index += 1
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return true
            }
            while true {
                skipSpace()
                guard let key = string() else { return false }
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
                index += 1
                guard member(&self, UnsafeBufferPointer(rebasing: bytes[key.range])) else { return false }
                skipSpace()
                guard index < bytes.count else { return false }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return true
                } else {
                    return false
                }
            }
        }

        /// Any value, walked by structure.
        private mutating func value(depth: Int) -> Bool {
            skipSpace()
            guard depth < StoredOperationPeek.maxDepth, index < bytes.count else { return false }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                return string() != nil
            case UInt8(ascii: "{"):
                return object(depth: depth) { scanner, _ in scanner.value(depth: depth + 1) }
            case UInt8(ascii: "["):
                index += 1
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return true
                }
                while true {
                    guard value(depth: depth + 1) else { return false }
                    skipSpace()
                    guard index < bytes.count else { return false }
                    if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                    } else if bytes[index] == UInt8(ascii: "]") {
                        index += 1
                        return true
                    } else {
                        return false
                    }
                }
            default:
                // A number, true, false or null: up to the next delimiter.
                let start = index
                while index < bytes.count {
                    switch bytes[index] {
                    case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D: break
                    case UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: ":"): return false
                    default:
                        index += 1
                        continue
                    }
                    break
                }
                return index > start
            }
        }

        /// A string at `index`: the range of its content and whether it holds escapes; the index moves past it.
        private mutating func string() -> (range: Range<Int>, escaped: Bool)? {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            index += 1
            let start = index
            var escaped = false
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    let range = start..<index
                    index += 1
                    return (range, escaped)
                case UInt8(ascii: "\\"):
                    // The escaped byte is never a quote that ends the string (\uXXXX is hex digits after it).
                    escaped = true
                    index += 2
                default:
                    index += 1
                }
            }
            return nil
        }

        private mutating func skipSpace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D {
                index += 1
            }
        }
    }
}
