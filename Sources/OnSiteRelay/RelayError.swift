import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import OnSiteSync

/// An error the relay answers with: an HTTP status, a stable code and a sentence.
///
/// Every error body is `{"error": {"code": …, "message": …}}` (see `Protocol/openapi.yaml`).
public struct RelayError: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let detail: ErrorDetail
    /// Headers the answer carries besides the body's (`Allow` on a 405).
    public let headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: ErrorCode, message: String, headers: HTTPFields = HTTPFields()) {
        self.status = status
        self.detail = ErrorDetail(code: code, message: message)
        self.headers = headers
    }

    public var description: String { detail.description }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try JSONResponse.make(ErrorBody(detail), status: status)
        if status == .unauthorized {
            response.headers[.wwwAuthenticate] = "Bearer"
        }
        response.headers.append(contentsOf: headers)
        return response
    }

    // MARK: The relay's errors

    static let missingToken = RelayError(
        .unauthorized, code: .missingToken,
        message: "This request needs a device token: send `Authorization: Bearer <token>` (enrol with `onsite enroll`).")
    static let unknownToken = RelayError(
        .unauthorized, code: .invalidToken,
        message: "The device token is not known to this relay. Check it, or ask the administrator for a new one (`onsite-relay device add`).")
    static func rotated(_ device: String, at date: Date) -> RelayError {
        RelayError(.forbidden, code: .tokenRotated,
                   message: "This token of device \(device) was replaced by a new one on \(date.formatted(.iso8601)). Your unsynced work is kept on the device; enrol it with the new token: `onsite enroll --replace --relay URL --token NEW`.")
    }
    static let metricsNeedToken = RelayError(
        .unauthorized, code: .missingToken,
        message: "/metrics needs an admin device's token: send `Authorization: Bearer <token>` (`onsite-relay device add --role admin`).")
    static let metricsForbidden = RelayError(
        .forbidden, code: .adminOnly,
        message: "Only an admin device's token may read /metrics (or enable `metricsLoopbackWithoutToken` for scrapes from this machine).")
    static func revoked(_ device: String) -> RelayError {
        RelayError(.forbidden, code: .deviceRevoked,
                   message: "Device \(device) was revoked on this relay. Your unsynced work is kept on the device; ask the administrator for a new token.")
    }
    static func invalidBody(_ error: WireDecodingError) -> RelayError {
        RelayError(.badRequest, code: .malformedBody, message: error.description + " See Protocol/openapi.yaml.")
    }
    static func invalid(_ error: ChangeSetValidationError) -> RelayError {
        RelayError(.unprocessableContent, code: error.code, message: error.message)
    }
    static func tooLarge(limit: Int) -> RelayError {
        RelayError(.contentTooLarge, code: .bodyTooLarge, message: "The body is larger than \(limit) bytes. Send fewer operations per change set.")
    }
    static func wrongDevice(claimed: String, actual: String) -> RelayError {
        RelayError(.forbidden, code: .deviceMismatch,
                   message: "The change set says it comes from device \(claimed), but the token belongs to device \(actual).")
    }
    static func sequenceReused(_ sequence: Int64, last: Int64) -> RelayError {
        // `last` comes from the store: computed with overflow reported, never trapped on.
        let (next, overflow) = last.addingReportingOverflow(1)
        let advice = overflow || next > SyncLimits.maxSequence
            ? "This device has used every sequence number; enrol it again."
            : "Resend the original change set, or use sequence \(next)."
        return RelayError(.conflict, code: .sequenceReused,
                          message: "Sequence \(sequence) is not after this device's last accepted change set (\(last)) and the change set id is new. \(advice)")
    }
    static func changeSetOwnedByAnother(_ id: UUID) -> RelayError {
        RelayError(.conflict, code: .changeSetConflict, message: "Change set \(id) was pushed by another device.")
    }
    static func methodNotAllowed(_ method: HTTPRequest.Method, allowed: [HTTPRequest.Method]) -> RelayError {
        let names = allowed.map(\.rawValue).joined(separator: ", ")
        var headers = HTTPFields()
        headers[.allow] = names
        return RelayError(.methodNotAllowed, code: .methodNotAllowed,
                          message: "This path does not answer \(method.rawValue); it answers \(names). See Protocol/openapi.yaml.",
                          headers: headers)
    }
    static func unsupportedProtocol(_ sent: String) -> RelayError {
        let advice = switch Int(sent) {
        case .some(let older) where older < SyncProtocol.version:
            "Update the app (`onsite`) on this device: its queued work is kept and is sent once it speaks protocol \(SyncProtocol.version)."
        case .some:
            "This relay is older than the app: ask the relay's administrator to update `onsite-relay`; the device keeps its work meanwhile."
        case .none:
            "Send \(SyncProtocol.versionHeader): \(SyncProtocol.version)."
        }
        return RelayError(.badRequest, code: .unsupportedProtocol,
                          message: "The request says protocol `\(sent.prefix(40))` in \(SyncProtocol.versionHeader); this relay speaks protocol \(SyncProtocol.version). " + advice)
    }
    static func badQuery(_ name: String, _ expectation: String) -> RelayError {
        RelayError(.badRequest, code: .invalidQuery, message: "Query parameter `\(name)` \(expectation).")
    }
    static let insufficientStorage = RelayError(
        .init(code: 507, reasonPhrase: "Insufficient Storage"), code: .insufficientStorage,
        message: "The relay's disk is full: nothing of this request was stored. Your work is kept on the device; sync again later (the administrator has been told in the relay's log).")
    /// The relay's database did not answer (503): a PostgreSQL server down or unreachable.
    static let storeUnavailable = RelayError(
        .serviceUnavailable, code: .storeUnavailable,
        message: "The relay cannot reach its database: nothing of this request was changed. Your work is kept on the device; sync again later (the relay's log says why).")
    static let internalError = RelayError(
        .internalServerError, code: .internalError,
        message: "The relay failed to handle the request; nothing was changed. Retry later; the relay's log has the details.")
}

/// Builds JSON responses with the wire encoder.
enum JSONResponse {
    static func make<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        make(encoded: try WireCoding.encode(value), status: status)
    }

    /// A response with JSON already encoded (gzip-compressed when `contentEncoding` says so).
    static func make(encoded data: Data, status: HTTPResponse.Status = .ok, contentEncoding: String? = nil) -> Response {
        var headers = HTTPFields()
        if let contentEncoding { headers[.contentEncoding] = contentEncoding }
        headers[.contentType] = "application/json; charset=utf-8"
        // RFC 7694: the relay reads gzip request bodies; clients compress change sets once they see this.
        headers[.acceptEncoding] = "gzip"
        if let name = HTTPField.Name(SyncProtocol.versionHeader) {
            headers[name] = String(SyncProtocol.version)
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
