import Foundation
import OnSiteCore
import OnSiteCrypto
import OnSiteSync

/// The description member of an evidence bundle (`manifest.json`, `Protocol/evidence.md`, "Evidence bundles"):
/// the report as the exporting device held it, and the relay's proof of its evidence. The photos follow it in
/// the archive as `photos/<sha256>`.
public struct EvidenceBundleManifest: Codable, Sendable {
    /// Always ``formatName``.
    public var format: String
    /// ``currentVersion``.
    public var version: Int
    public var exportedAt: Date
    /// The device that exported it.
    public var exportedBy: String
    public var record: ReportRecord
    public var proof: EvidenceProof

    public static let formatName = "onsite-evidence-bundle"
    public static let currentVersion = 1
    /// The member names: the manifest first, then one member per photo.
    public static let manifestName = "manifest.json"
    public static let photoPrefix = "photos/"
    /// The largest manifest a reader accepts: a record is at most 2 MiB, and its proof about as much in base64.
    public static let maxManifestBytes: Int64 = 16 * 1024 * 1024

    public init(exportedAt: Date, exportedBy: String, record: ReportRecord, proof: EvidenceProof) {
        format = Self.formatName
        version = Self.currentVersion
        self.exportedAt = exportedAt
        self.exportedBy = exportedBy
        self.record = record
        self.proof = proof
    }

    /// The member name of a photo: `photos/` and its SHA-256 in lower-case hex.
    static func photoName(_ sha256: String) -> String { photoPrefix + sha256 }
}

/// The log chain's hash of one proven entry (`Protocol/evidence.md`, "The log chain"), computed here from the
/// bundle alone: `SHA-256("OnSite log v1\n" ‖ previous ‖ be64(version) ‖ lp(operationId) ‖ lp(changeSetId)
/// ‖ lp(deviceId) ‖ lp(reportId) ‖ lp(operation))`.
enum ChainLink {
    static let context = Array("OnSite log v1\n".utf8)
    static let checkpointContext = Array("OnSite checkpoint v1\n".utf8)

    static func hash(previous: [UInt8], _ entry: ProvenEntry, operation: Data) -> [UInt8] {
        var bytes = context + previous
        withUnsafeBytes(of: UInt64(bitPattern: entry.version).bigEndian) { bytes += $0 }
        for field in [Array(entry.operationId.utf8), Array(entry.changeSetId.utf8), Array(entry.deviceId.utf8),
                      Array(entry.reportId.utf8), Array(operation)] {
            withUnsafeBytes(of: UInt32(truncatingIfNeeded: field.count).bigEndian) { bytes += $0 }
            bytes += field
        }
        return SHA256.hash(bytes).bytes
    }

    /// The bytes the relay signed for a checkpoint.
    static func checkpointBytes(version: Int64, chainHash: [UInt8], signedAt: Date) -> [UInt8] {
        var bytes = checkpointContext
        withUnsafeBytes(of: UInt64(bitPattern: version).bigEndian) { bytes += $0 }
        bytes += chainHash
        withUnsafeBytes(of: UInt64(bitPattern: WireDate.millis(signedAt)).bigEndian) { bytes += $0 }
        return bytes
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: 64, by: 2) {
            guard let value = UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(value)
        }
        return bytes
    }
}
