import Foundation
import HTTPTypes
import OnSiteSync

/// The upload routes' refusals: each a ``RelayError`` with a stable code and a sentence (see `Protocol/uploads.md`).
enum UploadError {
    static let badHash = RelayError(
        .badRequest, code: .invalidHash, message: "A blob is named by its SHA-256 in 64 lowercase hex digits.")
    static func tooLarge(_ byteCount: Int64, limit: Int64) -> RelayError {
        // 422 as in a change set: the value is out of range; 413 is for a body too large to read.
        RelayError(.unprocessableContent, code: .attachmentTooLarge,
                   message: "The file has \(byteCount) bytes; the relay takes at most \(limit) (`limits.maxAttachmentBytes`). Nothing was stored.")
    }
    static func invalidByteCount(_ byteCount: Int64) -> RelayError {
        RelayError(.unprocessableContent, code: .invalidByteCount,
                   message: "`byteCount` is \(byteCount); a file has at least 1 byte. Send the length of the file in bytes. Nothing was stored.")
    }
    static func unsupportedType(_ type: String, allowed: Set<String>) -> RelayError {
        RelayError(.unsupportedMediaType, code: .unsupportedType,
                   message: "Files of type \(type) are not accepted; allowed: \(allowed.sorted().joined(separator: ", ")). Nothing was stored.")
    }
    static func notReferenced(_ sha256: String) -> RelayError {
        RelayError(.notFound, code: .blobNotReferenced,
                   message: "No attachment on a report this device can see has the hash \(sha256.prefix(12))…. Sync the attachment record first (`onsite sync` sends records before photos).")
    }
    static func lengthMismatch(_ byteCount: Int64, recorded: [Int64]) -> RelayError {
        RelayError(.unprocessableContent, code: .lengthMismatch,
                   message: "The upload announces \(byteCount) bytes, but the attachment records say \(Set(recorded).sorted().map(String.init).joined(separator: " or ")).")
    }
    static let unknownUpload = RelayError(
        .notFound, code: .unknownUpload, message: "No upload of this hash is in progress. Create it with POST /v1/uploads first.")
    static let superseded = RelayError(
        .conflict, code: .uploadSuperseded,
        message: "A newer request from this device took over this upload; this chunk was not stored. Ask the offset and continue from it.")
    static func missingHeader(_ name: String, _ expectation: String) -> RelayError {
        RelayError(.badRequest, code: .invalidHeader, message: "Header `\(name)` is missing or malformed: it must be \(expectation).")
    }
    static func chunkTooLarge(_ length: Int64, limit: Int) -> RelayError {
        RelayError(.contentTooLarge, code: .chunkTooLarge,
                   message: "A chunk of \(length) bytes is not accepted; send 1 to \(limit) bytes per PATCH. Nothing was stored.")
    }
    static func chunkOverflow(offset: Int64, length: Int64, total: Int64) -> RelayError {
        RelayError(.contentTooLarge, code: .chunkOverflow,
                   message: "A chunk of \(length) bytes at offset \(offset) goes past the upload's \(total) bytes. Nothing was stored.")
    }
    static let chunkLongerThanDeclared = RelayError(
        .badRequest, code: .chunkLengthMismatch, message: "The chunk is longer than its Content-Length. It was discarded.")
    static func chunkShorterThanDeclared(_ received: Int64, declared: Int64, offset: Int64) -> RelayError {
        RelayError(.badRequest, code: .chunkLengthMismatch,
                   message: "The chunk ended after \(received) of its \(declared) bytes. The relay kept what arrived and now holds \(offset) bytes; continue from \(offset).")
    }
    static func checksumMismatch(offset: Int64) -> RelayError {
        RelayError(HTTPResponse.Status(code: UploadProtocol.checksumMismatchStatus, reasonPhrase: "Checksum Mismatch"),
                   code: .checksumMismatch,
                   message: "The chunk at offset \(offset) does not match its Upload-Checksum; it was discarded and the offset stays \(offset). Resend it.")
    }
    static func hashMismatch(expected: String, actual: String) -> RelayError {
        RelayError(.unprocessableContent, code: .hashMismatch,
                   message: "The uploaded bytes hash to \(actual.prefix(12))…, not \(expected.prefix(12))…. The upload was discarded; send the file again.")
    }
    static let notJPEG = RelayError(
        .unsupportedMediaType, code: .notJPEG,
        message: "The bytes are not a JPEG (a JPEG starts with FF D8 FF). Nothing was stored.")
    static func incompleteJPEG(_ reason: String?) -> RelayError {
        RelayError(.unprocessableContent, code: .truncatedJPEG,
                   message: "The JPEG is incomplete or damaged\(reason.map { " (\($0))" } ?? ""): it has no end-of-image marker. The upload was discarded and nothing is visible; copy the photo from the camera again.")
    }
    static func blobPending(_ sha256: String) -> RelayError {
        RelayError(.notFound, code: .blobPending,
                   message: "The relay does not hold the bytes of \(sha256.prefix(12))… yet; the device that took the photo has not uploaded it. Try again after its next sync.")
    }
}
