/// The machine code of an error body or of a refused operation: what clients branch on.
///
/// On the wire it is a snake_case string (`"report_moved"`); in code it is a case, so no code is compared as
/// a string. A code this build does not know (a newer relay's) decodes to ``other(_:)`` and round-trips
/// unchanged, so an old client keeps working and still shows the relay's sentence.
///
/// ```swift
/// if detail.code == .stampInFuture { … }
/// ErrorCode(rawValue: "report_moved")      // .reportMoved
/// ErrorCode(rawValue: "http_503")          // .httpStatus(503)
/// ErrorCode(rawValue: "from_the_future")   // .other("from_the_future")
/// ```
public enum ErrorCode: Sendable, CustomStringConvertible {
    // MARK: Refused operations (OperationCheck)
    case forbiddenOperation
    case forbiddenField
    case forbiddenTransition
    case outOfScope
    case reportMoved
    case reportExists
    case unknownConflict
    case recordTooLarge
    /// The operation's signature does not verify against the device's registered key (`Protocol/evidence.md`).
    case badSignature
    /// A device that registered a key sent an operation without a signature.
    case missingSignature

    // MARK: Refused change sets (ChangeSetValidator)
    case emptyChangeSet
    case tooManyOperations
    case invalidChangeSet
    case invalidValue
    case stampInFuture
    case attachmentTooLarge
    case unsupportedType

    // MARK: Requests (the relay)
    case missingToken
    case invalidToken
    case deviceRevoked
    /// The token was replaced by `onsite-relay device rotate`: enrol again with the new one.
    case tokenRotated
    /// The route is for an admin device only (`/metrics`).
    case adminOnly
    case deviceMismatch
    case malformedBody
    case bodyTooLarge
    case sequenceReused
    case changeSetConflict
    case invalidQuery
    case internalError
    /// The relay's disk is full (507): nothing was stored; pulls still work; try again later.
    case insufficientStorage
    /// The relay's database (PostgreSQL) cannot be reached (503): nothing was changed; try again later.
    case storeUnavailable
    case corruptStore
    case methodNotAllowed
    case unsupportedProtocol
    case unsupportedEncoding
    /// `POST /v1/keys`: not an Ed25519 public key, another device's key, or too many keys for one device.
    case invalidKey

    // MARK: Photo uploads
    case blobNotReferenced
    case blobPending
    case uploadBusy
    case uploadSuperseded
    case invalidByteCount
    case invalidHash
    case invalidHeader
    case unknownUpload
    case uploadMismatch
    case lengthMismatch
    case offsetMismatch
    case chunkTooLarge
    case chunkOverflow
    case chunkLengthMismatch
    case checksumMismatch
    case hashMismatch
    case uploadRestarted
    case notJPEG
    case truncatedJPEG

    /// An HTTP status answered without an OnSite error body (`http_503`).
    case httpStatus(Int)
    /// A code this build does not know, kept as the relay sent it.
    case other(String)

    /// Every code with a case of its own, for decoding and for tests.
    public static let known: [ErrorCode] = [
        .forbiddenOperation, .forbiddenField, .forbiddenTransition, .outOfScope, .reportMoved, .reportExists,
        .unknownConflict, .recordTooLarge, .badSignature, .missingSignature, .emptyChangeSet, .tooManyOperations, .invalidChangeSet, .invalidValue,
        .stampInFuture, .attachmentTooLarge, .unsupportedType, .missingToken, .invalidToken, .deviceRevoked,
        .tokenRotated, .adminOnly, .deviceMismatch, .malformedBody, .bodyTooLarge, .sequenceReused, .changeSetConflict, .invalidQuery,
        .internalError, .insufficientStorage, .storeUnavailable, .corruptStore, .methodNotAllowed, .unsupportedProtocol, .unsupportedEncoding, .invalidKey,
        .blobNotReferenced, .blobPending, .uploadBusy, .uploadSuperseded, .invalidByteCount, .invalidHash, .invalidHeader,
        .unknownUpload, .uploadMismatch, .lengthMismatch, .offsetMismatch, .chunkTooLarge, .chunkOverflow,
        .chunkLengthMismatch, .checksumMismatch, .hashMismatch, .uploadRestarted, .notJPEG, .truncatedJPEG,
    ]

    private static let byRawValue: [String: ErrorCode] = Dictionary(
        uniqueKeysWithValues: known.map { ($0.rawValue, $0) })

    /// Whether the relay failed on its side (an internal error or a 5xx): worth retrying later.
    public var isServerFailure: Bool {
        switch self {
        case .internalError, .insufficientStorage, .storeUnavailable: true
        case .httpStatus(let status): (500..<600).contains(status)
        default: false
        }
    }

    public var description: String { rawValue }
}

extension ErrorCode: RawRepresentable {
    /// The code as the wire spells it; never nil: unknown codes become ``other(_:)``.
    public init(rawValue: String) {
        if let known = Self.byRawValue[rawValue] {
            self = known
        } else if rawValue.hasPrefix("http_"), let status = Int(rawValue.dropFirst(5)), (100..<600).contains(status) {
            self = .httpStatus(status)
        } else {
            self = .other(rawValue)
        }
    }

    public var rawValue: String {
        switch self {
        case .forbiddenOperation: "forbidden_operation"
        case .forbiddenField: "forbidden_field"
        case .forbiddenTransition: "forbidden_transition"
        case .outOfScope: "out_of_scope"
        case .reportMoved: "report_moved"
        case .reportExists: "report_exists"
        case .unknownConflict: "unknown_conflict"
        case .recordTooLarge: "record_too_large"
        case .badSignature: "bad_signature"
        case .missingSignature: "missing_signature"
        case .emptyChangeSet: "empty_change_set"
        case .tooManyOperations: "too_many_operations"
        case .invalidChangeSet: "invalid_change_set"
        case .invalidValue: "invalid_value"
        case .stampInFuture: "stamp_in_future"
        case .attachmentTooLarge: "attachment_too_large"
        case .unsupportedType: "unsupported_type"
        case .missingToken: "missing_token"
        case .invalidToken: "invalid_token"
        case .deviceRevoked: "device_revoked"
        case .tokenRotated: "token_rotated"
        case .adminOnly: "admin_only"
        case .deviceMismatch: "device_mismatch"
        case .malformedBody: "malformed_body"
        case .bodyTooLarge: "body_too_large"
        case .sequenceReused: "sequence_reused"
        case .changeSetConflict: "change_set_conflict"
        case .invalidQuery: "invalid_query"
        case .internalError: "internal_error"
        case .insufficientStorage: "insufficient_storage"
        case .storeUnavailable: "store_unavailable"
        case .corruptStore: "corrupt_store"
        case .methodNotAllowed: "method_not_allowed"
        case .unsupportedProtocol: "unsupported_protocol"
        case .unsupportedEncoding: "unsupported_encoding"
        case .invalidKey: "invalid_key"
        case .uploadSuperseded: "upload_superseded"
        case .invalidByteCount: "invalid_byte_count"
        case .blobNotReferenced: "blob_not_referenced"
        case .blobPending: "blob_pending"
        case .uploadBusy: "upload_busy"
        case .invalidHash: "invalid_hash"
        case .invalidHeader: "invalid_header"
        case .unknownUpload: "unknown_upload"
        case .uploadMismatch: "upload_mismatch"
        case .lengthMismatch: "length_mismatch"
        case .offsetMismatch: "offset_mismatch"
        case .chunkTooLarge: "chunk_too_large"
        case .chunkOverflow: "chunk_overflow"
        case .chunkLengthMismatch: "chunk_length_mismatch"
        case .checksumMismatch: "checksum_mismatch"
        case .hashMismatch: "hash_mismatch"
        case .uploadRestarted: "upload_restarted"
        case .notJPEG: "not_jpeg"
        case .truncatedJPEG: "truncated_jpeg"
        case .httpStatus(let status): "http_\(status)"
        case .other(let code): code
        }
    }
}

extension ErrorCode: Hashable {
    // Equal when the wire spells them alike: `.other("report_moved")` is `.reportMoved`.
    public static func == (lhs: ErrorCode, rhs: ErrorCode) -> Bool { lhs.rawValue == rhs.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
}

extension ErrorCode: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
