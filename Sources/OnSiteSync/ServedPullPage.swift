import Foundation

/// One log entry as the relay stores it: the operation's wire bytes, not decoded.
public struct EncodedLogEntry: Sendable, Hashable {
    public var version: Int64
    public var deviceId: String
    /// The operation's JSON, as ``WireCoding`` encoded it (redacted for the caller where needed).
    public var operation: Data

    public init(version: Int64, deviceId: String, operation: Data) {
        self.version = version
        self.deviceId = deviceId
        self.operation = operation
    }

    /// The entry decoded.
    public func decoded() throws(WireDecodingError) -> LogEntry {
        LogEntry(version: version, deviceId: deviceId, operation: try WireCoding.decode(SyncOperation.self, from: operation))
    }
}

/// A pull page as the relay serves it: its `changes` kept as the stored operation bytes and spliced into the
/// page's JSON, so a busy relay does not decode and encode again each operation it serves. The JSON reads
/// exactly as ``PullPage``'s (`Protocol/sync.md`); ``decoded()`` gives the ``PullPage`` for in-process callers.
public struct ServedPullPage: Sendable {
    /// Everything but the changes (its `changes` is empty).
    public var page: PullPage
    /// The page's log entries, in version order.
    public var changes: [EncodedLogEntry]

    /// A page of stored entries; `page`'s own `changes` are ignored.
    public init(page: PullPage, changes: [EncodedLogEntry]) {
        var rest = page
        rest.changes = []
        self.page = rest
        self.changes = changes
    }

    /// A page whose entries are decoded (as tests and in-process callers build them): each encoded once.
    public init(decoded page: PullPage) throws {
        let changes = try page.changes.map { entry in
            EncodedLogEntry(version: entry.version, deviceId: entry.deviceId, operation: try WireCoding.encode(entry.operation))
        }
        self.init(page: page, changes: changes)
    }

    /// The page with its entries decoded.
    public func decoded() throws(WireDecodingError) -> PullPage {
        var whole = page
        whole.changes = try changes.map { entry throws(WireDecodingError) in try entry.decoded() }
        return whole
    }

    /// The page's JSON: the rest of the page as ``WireCoding`` encodes it (sorted keys, so `changes` comes
    /// first), with the entries' stored bytes spliced into its `changes` list.
    public func encoded() throws -> Data {
        let rest = try WireCoding.encode(page)
        let emptyChanges = Data(#"{"changes":[]"#.utf8)
        guard rest.starts(with: emptyChanges) else {
            throw EncodingError.invalidValue(page, .init(codingPath: [], debugDescription: "a page's JSON does not begin with its changes"))
        }
        var json = Data()
        json.reserveCapacity(rest.count + changes.reduce(0) { $0 + $1.operation.count + $1.deviceId.utf8.count + 48 })
        json.append(contentsOf: #"{"changes":["#.utf8)
        for (index, entry) in changes.enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            json.append(contentsOf: #"{"deviceId":"#.utf8)
            Self.appendString(entry.deviceId, to: &json)
            json.append(contentsOf: #","operation":"#.utf8)
            json.append(entry.operation)
            json.append(contentsOf: #","version":"#.utf8)
            json.append(contentsOf: String(entry.version).utf8)
            json.append(UInt8(ascii: "}"))
        }
        json.append(UInt8(ascii: "]"))
        json.append(rest.dropFirst(emptyChanges.count))
        return json
    }

    /// `text` as a JSON string: quotes, backslashes and control characters escaped, the rest as UTF-8.
    static func appendString(_ text: String, to json: inout Data) {
        json.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): json.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): json.append(contentsOf: #"\\"#.utf8)
            case 0x08: json.append(contentsOf: #"\b"#.utf8)
            case 0x09: json.append(contentsOf: #"\t"#.utf8)
            case 0x0A: json.append(contentsOf: #"\n"#.utf8)
            case 0x0C: json.append(contentsOf: #"\f"#.utf8)
            case 0x0D: json.append(contentsOf: #"\r"#.utf8)
            case 0..<0x20: json.append(contentsOf: String(format: "\\u%04x", byte).utf8)
            default: json.append(byte)
            }
        }
        json.append(UInt8(ascii: "\""))
    }
}
