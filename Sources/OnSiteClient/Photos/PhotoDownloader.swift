import Foundation
import OnSiteCore
import OnSiteCrypto
import OnSiteSync

/// Fetches the photos of pulled reports into the replica's blob store, each verified by hash on arrival.
///
/// A blob is downloaded to a temporary file, hashed, and renamed under its hash only when the hash matches.
/// A mismatch discards the bytes and is kept as a finding (``RefusedDownload``: `onsite show` flags the photo as
/// altered); the other photos are still fetched, then the pass fails naming the refused ones. Attachments whose
/// bytes the relay does not hold yet are counted as not yet available and skipped.
public struct PhotoDownloader: Sendable {
    public let replica: Replica

    public init(replica: Replica) {
        self.replica = replica
    }

    /// Downloads the missing blobs of the given reports' attachments (every report when `reportIds` is nil).
    public func download(client: RelayClient, reportIds: Set<String>? = nil, into report: inout PhotoSyncReport,
                         progress: (@Sendable (String) -> Void)? = nil) async throws {
        let start = ContinuousClock.now
        defer { report.seconds += (ContinuousClock.now - start).seconds }
        let records = try await replica.allRecords().filter { reportIds?.contains($0.id) ?? true }
        var wanted: [String: Attachment] = [:]
        for record in records {
            for attachment in record.attachments where !replica.blobs.contains(attachment.sha256) {
                if record.isPending(attachment) {
                    report.notYetAvailable += 1
                } else {
                    wanted[attachment.sha256] = attachment
                }
            }
        }
        var refused: [(Attachment, String)] = []
        for (index, attachment) in wanted.values.sorted(by: { ($0.addedAt, $0.sha256) < ($1.addedAt, $1.sha256) }).enumerated() {
            progress?("fetching photo \(index + 1) of \(wanted.count): \(attachment.fileName) (\(attachment.byteCount) bytes)")
            let temporary = try replica.blobs.temporaryPath("download")
            defer { try? FileManager.default.removeItem(atPath: temporary) }
            guard try await client.downloadBlob(attachment.sha256, to: temporary, pending: PendingWork(), counters: &report.counters) else {
                report.notYetAvailable += 1
                continue
            }
            // A file this device cannot read back is its own failure (thrown), not a finding about the relay.
            let received = try SHA256.hash(fileAt: temporary).hex
            guard received == attachment.sha256 else {
                try await replica.recordRefusedDownload(attachment.sha256, received: received, at: replica.clock())
                refused.append((attachment, received))
                continue
            }
            try replica.blobs.publish(temporary, as: attachment.sha256)
            try await replica.clearRefusedDownload(attachment.sha256)
            report.downloaded += 1
            report.downloadedBytes += attachment.byteCount
        }
        if !refused.isEmpty {
            let named = refused.map { "\($0.0.fileName) (hashes to \($0.1.prefix(12))…, not \($0.0.sha256.prefix(12))…)" }.joined(separator: ", ")
            throw ClientError.badResponse("the relay served \(refused.count) photo(s) with bytes that do not match their records: \(named); they were discarded and `onsite show` flags them as altered. Report this to the relay's operator (`onsite-relay audit` names the changed blobs)")
        }
    }
}
