import Foundation

/// `GET /v1/evidence/{reportId}`: the signed operations that added one report's evidence, exactly as the relay's
/// log stores them, each with what links it to a checkpoint signed by the relay's key (`Protocol/evidence.md`,
/// "Evidence proofs"). `onsite evidence export` puts it in a bundle; `onsite evidence verify` checks it offline.
public struct EvidenceProof: Codable, Sendable, Hashable {
    public var reportId: String
    /// The relay's Ed25519 public key (standard base64, 32 bytes) that signs its checkpoints; nil when the relay
    /// has no key at hand (then no entry is linked).
    public var relayKey: String?
    /// The report's evidence entries in log order.
    public var entries: [ProvenEntry]
    /// The keys of the devices that signed the entries.
    public var signers: [SignerKey]

    public init(reportId: String, relayKey: String?, entries: [ProvenEntry], signers: [SignerKey]) {
        self.reportId = reportId
        self.relayKey = relayKey
        self.entries = entries
        self.signers = signers
    }
}

/// One log entry as the chain covers it, with the chain hash before it and the relay's checkpoint at it.
public struct ProvenEntry: Codable, Sendable, Hashable {
    public var version: Int64
    public var operationId: String
    public var changeSetId: String
    public var deviceId: String
    public var reportId: String
    /// The operation's bytes as the log stores them (the device's signature inside), standard base64.
    public var operation: String
    /// The chain hash of the entry before (`version − 1`), 64 lower-case hex digits.
    public var previousHash: String
    /// The relay's signed checkpoint at `version`; nil for an entry from before evidence checkpoints.
    public var checkpoint: SignedCheckpoint?

    public init(version: Int64, operationId: String, changeSetId: String, deviceId: String, reportId: String,
                operation: String, previousHash: String, checkpoint: SignedCheckpoint?) {
        self.version = version
        self.operationId = operationId
        self.changeSetId = changeSetId
        self.deviceId = deviceId
        self.reportId = reportId
        self.operation = operation
        self.previousHash = previousHash
        self.checkpoint = checkpoint
    }

    /// The stored operation's bytes, or nil when `operation` is not base64.
    public var operationBytes: Data? { Data(base64Encoded: operation) }
}

/// A checkpoint of the log chain as the relay signed it: `"OnSite checkpoint v1\n" ‖ be64(version) ‖ chainHash
/// ‖ be64(signedAt, Unix milliseconds)` (`Protocol/evidence.md`, "Checkpoints").
public struct SignedCheckpoint: Codable, Sendable, Hashable {
    public var version: Int64
    /// The chain hash at `version`, 64 lower-case hex digits.
    public var chainHash: String
    public var signedAt: Date
    public var relayKeyId: String
    /// The 64-byte signature, standard base64.
    public var signature: String

    public init(version: Int64, chainHash: String, signedAt: Date, relayKeyId: String, signature: String) {
        self.version = version
        self.chainHash = chainHash
        self.signedAt = signedAt
        self.relayKeyId = relayKeyId
        self.signature = signature
    }
}
