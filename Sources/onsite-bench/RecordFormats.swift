import Foundation
import OnSiteSync

/// The stored record column in two forms, measured on the same records: JSON (the wire coders, what the replica
/// and the relay store) against a binary property list (Foundation's `PropertyListEncoder`, `.binary`).
struct RecordFormats {
    struct Figures {
        var name: String
        var bytes: Int
        var encodeSeconds: Double
        var decodeSeconds: Double
    }

    /// Encodes and decodes `records` in both forms; each decoded set is checked equal to the original.
    static func measure(_ records: [ReportRecord]) throws -> [Figures] {
        let jsonEncoder = WireCoding.makeEncoder(), jsonDecoder = WireCoding.makeDecoder()
        let plistEncoder = PropertyListEncoder(), plistDecoder = PropertyListDecoder()
        plistEncoder.outputFormat = .binary
        return [
            try figures("JSON (stored today)", records, encode: { try jsonEncoder.encode($0) },
                        decode: { try jsonDecoder.decode(ReportRecord.self, from: $0) }),
            try figures("binary property list", records, encode: { try plistEncoder.encode($0) },
                        decode: { try plistDecoder.decode(ReportRecord.self, from: $0) }),
        ]
    }

    /// One record at a time, as the stores do it: one encode and one decode per record.
    private static func figures(_ name: String, _ records: [ReportRecord],
                                encode: (ReportRecord) throws -> Data, decode: (Data) throws -> ReportRecord) throws -> Figures {
        var encoded: [Data] = []
        encoded.reserveCapacity(records.count)
        let encodeStart = ContinuousClock.now
        for record in records { encoded.append(try encode(record)) }
        let encodeSeconds = (ContinuousClock.now - encodeStart).seconds
        var decoded: [ReportRecord] = []
        decoded.reserveCapacity(records.count)
        let decodeStart = ContinuousClock.now
        for data in encoded { decoded.append(try decode(data)) }
        let decodeSeconds = (ContinuousClock.now - decodeStart).seconds
        guard decoded == records else { throw BenchError("\(name): the records did not come back equal") }
        return Figures(name: name, bytes: encoded.reduce(0) { $0 + $1.count }, encodeSeconds: encodeSeconds, decodeSeconds: decodeSeconds)
    }
}
