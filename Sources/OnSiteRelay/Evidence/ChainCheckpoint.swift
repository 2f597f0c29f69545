import Foundation
import GRDB
import OnSiteCore
import OnSiteCrypto
import OnSiteSync

/// A (version, chain hash) pair the relay signed with its own key (`Protocol/evidence.md`, "Checkpoints").
///
/// Signed bytes: `"OnSite checkpoint v1\n" ‖ be64(version) ‖ chainHash (32) ‖ be64(signedAt, Unix milliseconds)`.
public struct ChainCheckpoint: Codable, Sendable, Hashable {
    public var version: Int64
    /// The chain hash at `version`, lower-case hex.
    public var chainHash: String
    public var signedAt: Date
    /// The relay key's id (see ``Ed25519PublicKey/keyId``); nil for a checkpoint made without the key
    /// (by a migration, or `compact` run without the data folder's key).
    public var relayKeyId: String?
    /// The signature, standard base64; nil with `relayKeyId`.
    public var signature: String?

    /// A new checkpoints every this many versions.
    public static let interval: Int64 = 1_000
    static let context = Array("OnSite checkpoint v1\n".utf8)

    /// The bytes the relay signs.
    public static func signedBytes(version: Int64, chainHash: [UInt8], signedAt: Date) -> [UInt8] {
        var bytes = context + [UInt8]()
        withUnsafeBytes(of: UInt64(bitPattern: version).bigEndian) { bytes += $0 }
        bytes += chainHash
        withUnsafeBytes(of: UInt64(bitPattern: WireDate.millis(signedAt)).bigEndian) { bytes += $0 }
        return bytes
    }

    /// Whether the checkpoint carries a valid signature of `key`.
    public func isSigned(by key: Ed25519PublicKey) -> Bool {
        guard relayKeyId == key.keyId, let signature, let bytes = Data(base64Encoded: signature),
              let hash = Data(hexadecimal: chainHash) else { return false }
        return key.isValidSignature(Array(bytes), for: Self.signedBytes(version: version, chainHash: Array(hash), signedAt: signedAt))
    }

    /// Records a checkpoint at `version` (its chain hash as the log or an earlier checkpoint holds it),
    /// signed when the relay's key is at hand. Does nothing when one exists already at that version.
    static func record(at version: Int64, key: Ed25519PrivateKey?, now: Date, db: Database) throws {
        guard version > 0 else { return }
        let hash: Data
        if let logged = try Data.fetchOne(db, sql: "SELECT chainHash FROM log WHERE version = ?", arguments: [version]) {
            hash = logged
        } else {
            return
        }
        let signedAt = Date(timeIntervalSince1970: TimeInterval(WireDate.millis(now)) / 1000)
        let signature = try key.map { try $0.sign(signedBytes(version: version, chainHash: Array(hash), signedAt: signedAt)) }
        try db.execute(sql: "INSERT OR IGNORE INTO chainCheckpoint (version, chainHash, signedAt, relayKeyId, signature) VALUES (?, ?, ?, ?, ?)",
                       arguments: [version, hash, signedAt, key?.publicKey.keyId, signature.map { Data($0) } as Data?])
    }

    /// Records a checkpoint at the head when the newest is ``interval`` or more versions behind.
    static func recordIfDue(key: Ed25519PrivateKey?, now: Date, db: Database) throws {
        let head = try LogChain.head(db)
        let last = try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(version) FROM chainCheckpoint")) ?? 0
        if head.version - last >= interval {
            try record(at: head.version, key: key, now: now, db: db)
        }
    }

    static func fetchAll(_ db: Database) throws -> [ChainCheckpoint] {
        try Row.fetchAll(db, sql: "SELECT version, chainHash, signedAt, relayKeyId, signature FROM chainCheckpoint ORDER BY version").map { row in
            ChainCheckpoint(version: row["version"], chainHash: Data(row["chainHash"] as Data).hexadecimal, signedAt: row["signedAt"],
                            relayKeyId: row["relayKeyId"], signature: (row["signature"] as Data?)?.base64EncodedString())
        }
    }
}

extension Data {
    /// Lower-case hexadecimal.
    var hexadecimal: String { map { String(format: "%02x", $0) }.joined() }

    /// Bytes from lower- or upper-case hexadecimal; nil for anything else.
    init?(hexadecimal text: String) {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        self.init(bytes)
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case 0x30...0x39: digit - 0x30
        case 0x61...0x66: digit - 0x61 + 10
        case 0x41...0x46: digit - 0x41 + 10
        default: nil
        }
    }
}

/// The newest version of the log chain and its hash, as `/healthz` publishes it.
public struct ChainHead: Codable, Sendable, Hashable {
    public var version: Int64
    public var hash: String
}

extension RelayStore {
    /// The head of the log chain (`/healthz`).
    public func chainHead() async throws -> ChainHead {
        try await writer.read { db in
            let head = try LogChain.head(db)
            return ChainHead(version: head.version, hash: Data(head.hash).hexadecimal)
        }
    }
}
