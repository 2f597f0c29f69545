import Foundation
import OnSiteSync
import Testing

/// The wire's error codes as a type: the same strings on the wire, cases in code, and room for codes of a
/// newer relay.
@Suite("Error codes")
struct ErrorCodeTests {
    @Test("every known code round-trips through its wire spelling and JSON", arguments: ErrorCode.known)
    func roundTrip(code: ErrorCode) throws {
        #expect(ErrorCode(rawValue: code.rawValue) == code)
        #expect(code.rawValue.allSatisfy { $0.isLowercase || $0 == "_" })
        let encoded = try WireCoding.encode(ErrorDetail(code: code, message: "m"))
        #expect(String(decoding: encoded, as: UTF8.self).contains("\"\(code.rawValue)\""))
        #expect(try WireCoding.decode(ErrorDetail.self, from: encoded).code == code)
    }

    @Test("the known codes are spelled once each")
    func unique() {
        #expect(Set(ErrorCode.known.map(\.rawValue)).count == ErrorCode.known.count)
    }

    @Test("a code from a newer relay decodes, compares and re-encodes as sent")
    func unknown() throws {
        let body = Data(#"{"error":{"code":"quota_exceeded","message":"Too many photos today."}}"#.utf8)
        let decoded = try WireCoding.decode(ErrorBody.self, from: body)
        #expect(decoded.error.code == .other("quota_exceeded"))
        #expect(String(decoding: try WireCoding.encode(decoded), as: UTF8.self).contains(#""quota_exceeded""#))
    }

    @Test("bare HTTP statuses read as statuses; server failures are marked")
    func http() {
        #expect(ErrorCode(rawValue: "http_503") == .httpStatus(503))
        #expect(ErrorCode.httpStatus(502).isServerFailure && ErrorCode.internalError.isServerFailure)
        #expect(!ErrorCode.httpStatus(404).isServerFailure && !ErrorCode.reportMoved.isServerFailure)
        #expect(ErrorCode(rawValue: "http_x") == .other("http_x"))
    }

    @Test("a case and its spelling as `.other` are the same code")
    func equality() {
        #expect(ErrorCode.other("report_moved") == .reportMoved)
        #expect(Set([ErrorCode.other("report_moved"), .reportMoved]).count == 1)
    }
}
