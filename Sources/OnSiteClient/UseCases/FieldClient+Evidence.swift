import Foundation
import OnSiteCore
import OnSiteSync

/// What a bundle export wrote.
public struct ExportedBundle: Sendable, Hashable {
    public var path: String
    public var reportCode: String
    /// Evidence entries of the relay's proof in the bundle.
    public var entries: Int
    /// Photos written into the bundle.
    public var photos: Int
    /// Photos of the report that could not be had (not uploaded yet, or refused at download because their bytes
    /// on the relay no longer match their record): the bundle lacks them, and `verify` will say so.
    public var missingPhotos: [Attachment]
    public var byteCount: Int64
}

extension FieldClient {
    /// Each verification, photo record and workflow step of a report, checked against the signed operation
    /// the replica pulled for it with the signer's key, and each photo against the bytes the relay served for it
    /// (`onsite show`): no network.
    public func evidenceMarks(of report: String) async throws -> [EvidenceMark] {
        let record = try await replica.report(report).record
        let pulled = try await replica.pulledEvidence(of: record.id)
        let refused = try await replica.refusedDownloads().mapValues(\.receivedSha256)
        return EvidenceCheck.marks(of: record, signed: pulled.entries, keys: pulled.keys, refusedPhotos: refused)
    }

    /// Writes an evidence bundle of one report to `path` (`onsite evidence export`): the report as this replica
    /// holds it, the relay's proof of its evidence (signed operations, signers' keys, chain links and the relay's
    /// key), and its photos (fetched first when missing, verified by hash).
    ///
    /// - Throws: ``ClientError`` when not enrolled or the relay cannot be reached or refuses;
    ///   ``EvidenceBundleError`` when the file cannot be written.
    public func exportEvidence(of report: String, to path: String, transport: TransportConfiguration? = nil) async throws -> ExportedBundle {
        let record = try await replica.report(report).record
        let enrolment = try await enrolment()
        let relay = try await engine.makeClient(transport: transport)
        let proof = try await relay.evidenceProof(of: record.id)
        guard !proof.entries.isEmpty else { throw EvidenceBundleError.nothingToExport(record.report.code) }
        // Photos this replica lacks: fetched now; one the relay serves altered is refused and stays missing.
        if record.attachments.contains(where: { !replica.blobs.contains($0.sha256) }) {
            var sync = SyncReport()
            try? await engine.downloadPhotos(client: relay, reportIds: [record.id], into: &sync)
        }
        let manifest = EvidenceBundleManifest(exportedAt: replica.clock(), exportedBy: enrolment.profile.deviceId, record: record, proof: proof)
        let destination = URL(fileURLWithPath: path)
        let writer = try BundleArchiveWriter(destination: destination, modified: manifest.exportedAt)
        var photos = 0
        var missing: [Attachment] = []
        do {
            try writer.add(EvidenceBundleManifest.manifestName, bytes: try WireCoding.encode(manifest))
            var written: Set<String> = []
            for attachment in record.attachments where !written.contains(attachment.sha256) {
                guard replica.blobs.contains(attachment.sha256) else {
                    missing.append(attachment)
                    continue
                }
                try writer.add(EvidenceBundleManifest.photoName(attachment.sha256), file: replica.blobs.path(for: attachment.sha256))
                written.insert(attachment.sha256)
                photos += 1
            }
            try writer.finish()
        } catch {
            writer.abandon()
            throw error
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int).flatMap { $0 } ?? 0
        return ExportedBundle(path: path, reportCode: record.report.code, entries: proof.entries.count, photos: photos,
                              missingPhotos: missing, byteCount: Int64(size))
    }
}
