import Foundation
import OnSiteClient
import OnSiteSync
import Testing

/// The class of each failure, which `onsite` turns into its exit code: only what may work unchanged later is
/// temporary, so a retry loop never retries a wrong CA or a revoked token forever.
@Suite("Failure classes")
struct FailureClassTests {
    @Test("Relay refusals by status and code", arguments: [
        (401, ErrorCode.invalidToken, FailureClass.notPermitted), (401, .missingToken, .notPermitted),
        (403, .deviceRevoked, .notPermitted), (403, .tokenRotated, .notPermitted), (403, .adminOnly, .notPermitted),
        (423, .uploadBusy, .temporary), (429, .httpStatus(429), .temporary), (500, .internalError, .temporary),
        (502, .httpStatus(502), .temporary), (503, .httpStatus(503), .temporary), (507, .httpStatus(507), .temporary),
        (400, .unsupportedProtocol, .protocolMismatch), (400, .malformedBody, .refused), (422, .invalidValue, .refused),
        (409, .sequenceReused, .refused), (404, .httpStatus(404), .refused),
    ])
    func refusals(status: Int, code: ErrorCode, expected: FailureClass) {
        let error = ClientError.relayRefused(status: status, code: code, message: "m")
        #expect(error.failureClass == expected)
        #expect(FailureExplanation(error).failureClass == expected)
        #expect(FailureExplanation(error).isTemporary == (expected == .temporary))
    }

    @Test("Client-side failures")
    func clientSide() {
        #expect(ClientError.unreachable("timeout", pending: 1).failureClass == .temporary)
        #expect(ClientError.untrustedRelay("Refusing to talk to https://x").failureClass == .untrustedRelay)
        #expect(ClientError.plainHTTPToTLS(url: "http://x").failureClass == .plainHTTPToTLS)
        #expect(ClientError.protocolMismatch(got: 2, want: 1).failureClass == .protocolMismatch)
        for error in [ClientError.invalidInput("x"), .unknownReport("DB-1"), .noReplica("/x"), .notEnrolled, .alreadyEnrolled("https://x")] {
            #expect(error.failureClass == .badInput, "\(error)")
        }
        #expect(ClientError.badResponse("x").failureClass == .refused)
    }

    @Test("Permanent link failures say what to do and that retrying will not help; they still leave the queue alone")
    func permanentSentences() {
        let untrusted = ClientError.untrustedRelay("Refusing to talk to https://relay: the relay's certificate is not signed by the CA you pinned.")
        #expect(untrusted.description.contains("retrying will not help") && untrusted.description.contains("--ca-cert"))
        #expect(untrusted.isUnreachable, "the upload queue must keep the photo, not mark it failed")
        let plain = ClientError.plainHTTPToTLS(url: "http://127.0.0.1:8443")
        #expect(plain.description.contains("https://") && plain.isUnreachable)
    }
}
