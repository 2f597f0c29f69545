import Foundation
import OnSiteCore
import OnSiteCrypto
import OnSiteSync

/// What `onsite evidence verify` found in a bundle: what it checked, and every break, first one first.
public struct BundleVerification: Sendable {
    public var reportId: String
    public var reportCode: String
    /// The id of the relay key the checkpoints are signed with (compare it with the relay's `/healthz`).
    public var relayKeyId: String?
    /// The mark of each verification, photo record and workflow step of the report.
    public var marks: [EvidenceMark]
    /// Evidence entries whose chain hash matches a checkpoint signed by the relay's key.
    public var linkedEntries = 0
    /// Entries without a checkpoint at their version (pushed before evidence checkpoints): signed, not linked.
    public var unlinkedEntries = 0
    /// Photos whose bytes hash to their signed record's SHA-256.
    public var photosChecked = 0
    public var breaks: [BundleBreak] = []

    /// Whether the bundle proves itself: no break.
    public var isIntact: Bool { breaks.isEmpty }
}

/// One place where a bundle does not prove itself.
public enum BundleBreak: Sendable, Hashable {
    /// A piece of evidence whose mark is not verified (and not merely unsigned).
    case evidence(EvidenceMark)
    /// An entry's stored operation is not a valid operation of this report.
    case unreadableEntry(version: Int64)
    /// An entry's chain hash does not match the relay's checkpoint at its version.
    case chainLink(version: Int64)
    /// A checkpoint's signature does not verify with the bundle's relay key.
    case checkpointSignature(version: Int64)
    /// A photo of a signed photo record is not in the bundle.
    case photoMissing(fileName: String, sha256: String)
    /// A photo's bytes do not hash to its signed record's SHA-256.
    case photoBytes(fileName: String, sha256: String, actual: String)
}

/// Checks an evidence bundle with nothing but the file: no network, no replica (`Protocol/evidence.md`).
public enum EvidenceBundleVerifier {
    /// Reads and checks the bundle at `path`, a member at a time, with memory bounded by the manifest's limit
    /// and one 64 KiB chunk.
    ///
    /// - Throws: ``EvidenceBundleError`` when the file is not a well-formed bundle (refused before any check).
    public static func verify(path: String) throws(EvidenceBundleError) -> BundleVerification {
        let reader = try BundleArchiveReader(path: path)
        guard let first = try reader.nextMember(), first.name == EvidenceBundleManifest.manifestName else {
            throw .malformed("its first member is not \(EvidenceBundleManifest.manifestName)")
        }
        guard first.size <= EvidenceBundleManifest.maxManifestBytes else {
            throw .tooLarge(member: first.name, size: first.size, limit: EvidenceBundleManifest.maxManifestBytes)
        }
        var manifestBytes: [UInt8] = []
        manifestBytes.reserveCapacity(Int(first.size))
        try reader.readMember(first) { manifestBytes += $0 }
        let manifest: EvidenceBundleManifest
        do {
            manifest = try WireCoding.makeDecoder().decode(EvidenceBundleManifest.self, from: Data(manifestBytes))
        } catch {
            throw .malformed("\(EvidenceBundleManifest.manifestName) is not a bundle description (\(String(describing: error).prefix(200)))")
        }
        guard manifest.format == EvidenceBundleManifest.formatName, manifest.version == EvidenceBundleManifest.currentVersion else {
            throw .malformed("it is format \(manifest.format.prefix(40)) version \(manifest.version); this app reads \(EvidenceBundleManifest.formatName) version \(EvidenceBundleManifest.currentVersion)")
        }
        var result = check(manifest)
        try checkPhotos(of: manifest.record, reader: reader, into: &result)
        return result
    }

    /// The checks that need only the manifest: the chain links and checkpoints, and each evidence record's
    /// signature and content.
    static func check(_ manifest: EvidenceBundleManifest) -> BundleVerification {
        let record = manifest.record
        let proof = manifest.proof
        var result = BundleVerification(reportId: record.id, reportCode: record.report.code, marks: [])
        let relayKey = proof.relayKey.flatMap { Data(base64Encoded: $0) }.flatMap { try? Ed25519PublicKey(rawRepresentation: Array($0)) }
        result.relayKeyId = relayKey?.keyId
        let decoder = WireCoding.makeDecoder()
        var signed: [UUID: LogEntry] = [:]
        for entry in proof.entries {
            guard entry.reportId == record.id, let bytes = entry.operationBytes,
                  let operation = try? decoder.decode(SyncOperation.self, from: bytes), operation.reportId == record.id,
                  operation.id.uuidString == entry.operationId else {
                result.breaks.append(.unreadableEntry(version: entry.version))
                continue
            }
            if let recordId = operation.evidenceRecordId {
                signed[recordId] = LogEntry(version: entry.version, deviceId: entry.deviceId, operation: operation)
            }
            guard let checkpoint = entry.checkpoint else {
                result.unlinkedEntries += 1
                continue
            }
            guard let previous = ChainLink.bytes(hex: entry.previousHash), checkpoint.version == entry.version,
                  ChainLink.hash(previous: previous, entry, operation: bytes) == ChainLink.bytes(hex: checkpoint.chainHash) else {
                result.breaks.append(.chainLink(version: entry.version))
                continue
            }
            guard let relayKey, checkpoint.relayKeyId == relayKey.keyId,
                  let signature = Data(base64Encoded: checkpoint.signature), let hash = ChainLink.bytes(hex: checkpoint.chainHash),
                  relayKey.isValidSignature(Array(signature), for: ChainLink.checkpointBytes(version: checkpoint.version, chainHash: hash, signedAt: checkpoint.signedAt))
            else {
                result.breaks.append(.checkpointSignature(version: entry.version))
                continue
            }
            result.linkedEntries += 1
        }
        let keys = Dictionary(proof.signers.map { ($0.keyId, $0) }, uniquingKeysWith: { first, _ in first })
        result.marks = EvidenceCheck.marks(of: record, signed: signed, keys: keys)
        for mark in result.marks where mark.state != .verified && mark.state != .unsigned {
            result.breaks.append(.evidence(mark))
        }
        return result
    }

    /// Reads the photo members: each must be a photo of the record, of its signed size, hashing to its SHA-256.
    private static func checkPhotos(of record: ReportRecord, reader: BundleArchiveReader, into result: inout BundleVerification) throws(EvidenceBundleError) {
        var expected: [String: Attachment] = [:]
        for attachment in record.attachments { expected[EvidenceBundleManifest.photoName(attachment.sha256)] = attachment }
        var seen: Set<String> = []
        while let member = try reader.nextMember() {
            guard let attachment = expected[member.name] else {
                throw .malformed("it holds a member named \(member.name.prefix(100).debugDescription), which is not a photo of this report (only photos/<sha256> of its records are allowed)")
            }
            guard seen.insert(member.name).inserted else { throw .malformed("it holds \(member.name) twice") }
            guard member.size == attachment.byteCount else {
                throw .malformed("member \(member.name) holds \(member.size) bytes, but its signed photo record says \(attachment.byteCount)")
            }
            let hasher = SHA256Hasher()
            try reader.readMember(member) { hasher.update($0) }
            let actual = hasher.finalize().hex
            if actual == attachment.sha256 {
                result.photosChecked += 1
            } else {
                result.breaks.append(.photoBytes(fileName: attachment.fileName, sha256: attachment.sha256, actual: actual))
            }
        }
        for attachment in record.attachments where !seen.contains(EvidenceBundleManifest.photoName(attachment.sha256)) {
            result.breaks.append(.photoMissing(fileName: attachment.fileName, sha256: attachment.sha256))
        }
    }
}
