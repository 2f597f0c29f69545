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

    /// The exact form of an `Upload-Checksum` value, as `openapi.yaml` states it (a test checks they agree).
    public static let checksumPattern = "^sha256 ([0-9a-f]{64}|[A-Za-z0-9+/]{43}=)$"

    /// The 32 digest bytes of an `Upload-Checksum` value, or nil when it is not exactly `sha256 <digest>`: one
    /// space, the digest as 64 lowercase hex digits or as 44 characters of padded standard base64
    /// (``checksumPattern``).
    public static func parseChecksum(_ value: String) -> [UInt8]? {
        let prefix = "sha256 "
        guard value.hasPrefix(prefix) else { return nil }
        let digest = String(decoding: value.utf8.dropFirst(prefix.utf8.count), as: UTF8.self)
        if isBlobHash(digest) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(32)
            var index = digest.startIndex
            while index < digest.endIndex {
                let next = digest.index(index, offsetBy: 2)
                guard let byte = UInt8(digest[index..<next], radix: 16) else { return nil }
                bytes.append(byte)
                index = next
            }
            return bytes
        }
        let base64 = Array(digest.utf8)
        guard base64.count == 44, base64[43] == UInt8(ascii: "="),
              base64.prefix(43).allSatisfy({ isASCIIAlphanumeric($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "/") }),
              let data = Data(base64Encoded: digest), data.count == 32
        else { return nil }
        return [UInt8](data)
    }

    /// A non-negative decimal integer header value (`Upload-Offset`, `Content-Length`): ASCII digits only (no
    /// sign, no spaces), at most `Int64.max`, or nil.
    public static func parseOffset(_ value: String) -> Int64? {
        guard (1...19).contains(value.utf8.count), value.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int64(value)
    }

    /// Whether `text` is 64 lowercase ASCII hex digits (`^[0-9a-f]{64}$`): the only form of a blob's hash on
    /// the wire and on disk.
    ///
    /// The one check for a blob hash: the upload routes and the change-set validator (`attachment.sha256`) both
    /// call it, so a hash one accepts is never refused by the other. `Character.isHexDigit` is not enough: it is
    /// true for fullwidth digits and letters ("０-９ａ-ｆ").
    ///
    /// ```swift
    /// UploadProtocol.isBlobHash(String(repeating: "a", count: 64))   // true
    /// UploadProtocol.isBlobHash(String(repeating: "ａ", count: 64))  // false: fullwidth
    /// ```
    public static func isBlobHash(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    private static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
}
