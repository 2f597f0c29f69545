import Foundation
@testable import OnSiteRelay
import Testing

/// ``LogAudit`` on its own, one event at a time, without a store: what each store feeds it and the breaks it records.
@Suite("The audit's checks, without a store")
struct LogAuditTests {
    /// Rows of the relay's own device (no signature to check), chained from `previous`.
    static func rows(_ count: Int, from previous: [UInt8] = LogChain.genesis, firstVersion: Int64 = 1) -> [LogAudit.LogRow] {
        var hash = previous
        return (0..<Int64(count)).map { offset in
            let version = firstVersion + offset
            let entry = LogChain.Entry(version: version, operationId: "op-\(version)", changeSetId: "cs-\(version)",
                                       deviceId: RelayStore.relayDeviceId, reportId: "r1", operation: Data("{\"v\":\(version)}".utf8))
            hash = LogChain.hash(previous: hash, entry)
            return LogAudit.LogRow(entry: entry, chainHash: Data(hash), receivedAt: nil)
        }
    }

    @Test("rows fed in order check clean; an edited middle row is one chain break, at its version, the rows after it unharmed")
    func editedRow() {
        // Given: three chained rows, the second's bytes edited after it was hashed
        var rows = Self.rows(3)
        rows[1].entry.operation = Data("{\"v\":20}".utf8)
        var audit = LogAudit(relayKey: nil, blobs: nil)

        // When: the log starts at the beginning and the rows are fed in order
        let walks = audit.startLog(compactedThrough: 0)
        #expect(walks)
        for row in rows { audit.checkLogRow(row) }

        // Then: one chain break, at version 2
        #expect(audit.report.entriesChecked == 3)
        #expect(audit.report.breaks.map(\.kind) == [.chain])
        #expect(audit.report.breaks.first?.version == 2)
    }

    @Test("a log compacted through a version no checkpoint holds: one checkpoint break there, and the rows are not walked")
    func compactedWithoutCheckpoint() {
        var audit = LogAudit(relayKey: nil, blobs: nil)
        let walks = audit.startLog(compactedThrough: 5)
        #expect(!walks)
        for row in Self.rows(2, firstVersion: 6) { audit.checkLogRow(row) }
        #expect(audit.report.entriesChecked == 0)
        #expect(audit.report.breaks.map(\.kind) == [.checkpoint])
        #expect(audit.report.breaks.first?.version == 5)
    }

    @Test("the chain continues from the boundary's checkpoint; a checkpoint that disagrees with its row is a break at that version")
    func fromCheckpoint() {
        // Given: a log compacted through 5, whose checkpoint holds the hash there, and a checkpoint at 7 of another hash
        let boundary = [UInt8](repeating: 7, count: 32)
        var audit = LogAudit(relayKey: nil, blobs: nil)
        audit.checkCheckpoint(ChainCheckpoint(version: 5, chainHash: Data(boundary).hexadecimal, signedAt: Date(), relayKeyId: nil, signature: nil))
        audit.checkCheckpoint(ChainCheckpoint(version: 7, chainHash: Data(count: 32).hexadecimal, signedAt: Date(), relayKeyId: nil, signature: nil))

        // When: the rows after the boundary are fed
        let walks = audit.startLog(compactedThrough: 5)
        #expect(walks)
        for row in Self.rows(3, from: boundary, firstVersion: 6) { audit.checkLogRow(row) }

        // Then: the chain holds, and only the checkpoint at 7 breaks
        #expect(audit.report.checkpointsChecked == 2 && audit.report.entriesChecked == 3)
        #expect(audit.report.breaks.map(\.kind) == [.checkpoint])
        #expect(audit.report.breaks.first?.version == 7)
    }

    @Test("a stored state that is not a record is a record break naming the report")
    func undecodableState() {
        var audit = LogAudit(relayKey: nil, blobs: nil)
        audit.checkReport("r9", state: Data("not json".utf8))
        #expect(audit.report.breaks.map(\.kind) == [.record])
        #expect(audit.report.breaks.first?.message == "report r9: its stored state is not a valid record.")
    }
}
