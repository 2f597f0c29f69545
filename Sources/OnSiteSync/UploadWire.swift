import Foundation

/// The body of `POST /v1/uploads`: create the upload of a blob, or find it (see `Protocol/uploads.md`).
///
/// ```json
/// {"sha256": "9f86d0…", "byteCount": 14098, "contentType": "image/jpeg"}
/// ```
public struct UploadRequest: Codable, Sendable, Hashable {
    /// Lowercase hex SHA-256 of the whole blob.
    public var sha256: String
    /// The blob's length in bytes.
    public var byteCount: Int64
    /// `image/jpeg` for photos.
    public var contentType: String

    public init(sha256: String, byteCount: Int64, contentType: String) {
        self.sha256 = sha256
        self.byteCount = byteCount
        self.contentType = contentType
    }
}

/// Where an upload stands on the relay: the answer to `POST`, `GET` and `PATCH /v1/uploads/…`.
///
/// `offset` is the number of bytes the relay holds durably; the next chunk starts there. When `complete` is
/// true the relay holds the whole, verified blob and no byte needs to be sent.
public struct UploadStatus: Codable, Sendable, Hashable {
    public var sha256: String
    public var byteCount: Int64
    public var offset: Int64
    public var complete: Bool
    /// The largest chunk the relay takes in one `PATCH`.
    public var maxChunkBytes: Int?

    public init(sha256: String, byteCount: Int64, offset: Int64, complete: Bool, maxChunkBytes: Int? = nil) {
        self.sha256 = sha256
        self.byteCount = byteCount
        self.offset = offset
        self.complete = complete
        self.maxChunkBytes = maxChunkBytes
    }
}

/// Header names and value formats of the upload protocol.
public enum UploadProtocol {
    /// The offset a `PATCH` chunk starts at (request), or the relay's current offset (responses).
    public static let offsetHeader = "Upload-Offset"
    /// The blob's whole length (responses to `HEAD`).
    public static let lengthHeader = "Upload-Length"
    /// `sha256 <digest>` of the chunk in the body, the digest in lowercase hex or base64.
    public static let checksumHeader = "Upload-Checksum"
    /// The status of a `PATCH` whose chunk does not match its checksum (as tus).
    public static let checksumMismatchStatus = 460

    /// The `Upload-Checksum` value for a chunk whose SHA-256 is `hex`.
    public static func checksum(hex: String) -> String { "sha256 \(hex)" }

    /// The 32 digest bytes of an `Upload-Checksum` value, or nil when it is not `sha256 <hex|base64>`.
    public static func parseChecksum(_ value: String) -> [UInt8]? {
        let parts = value.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "sha256" else { return nil }
        let digest = String(parts[1])
        if digest.count == 64, digest.allSatisfy(\.isHexDigit) {
            var bytes: [UInt8] = []
            var index = digest.startIndex
            while index < digest.endIndex {
                let next = digest.index(index, offsetBy: 2)
                guard let byte = UInt8(digest[index..<next], radix: 16) else { return nil }
                bytes.append(byte)
                index = next
            }
            return bytes
        }
        guard let data = Data(base64Encoded: digest), data.count == 32 else { return nil }
        return [UInt8](data)
    }

    /// Whether `text` is 64 lowercase hex digits: the only form of a blob's hash on the wire and on disk.
    public static func isBlobHash(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
