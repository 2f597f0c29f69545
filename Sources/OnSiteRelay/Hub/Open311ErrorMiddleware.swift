import Foundation
import Hummingbird
import HTTPTypes
import NIOCore

/// Answers every error under `/open311/v2` in Open311's format, an array of `{code, description}` with the same
/// HTTP status (`[{"code":400,"description":"Query parameter `status` takes …","onsite_code":"invalid_query"}]`),
/// so Open311 clients read the relay's sentence. Sits outside the device authentication, so a missing or wrong
/// token is answered the same way; an unexpected error is logged and becomes a bare 500 as everywhere else.
struct Open311ErrorMiddleware: RouterMiddleware {
    func handle(_ request: Request, context: RelayRequestContext, next: (Request, RelayRequestContext) async throws -> Response) async throws -> Response {
        do {
            return try await ErrorBodyMiddleware<RelayRequestContext>().handle(request, context: context, next: next)
        } catch let error as RelayError {
            let body = [Open311.Error(code: Int(error.status.code), description: error.detail.message, onsiteCode: error.detail.code.rawValue)]
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var headers = HTTPFields()
            headers[.contentType] = "application/json; charset=utf-8"
            if error.status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
            headers.append(contentsOf: error.headers)
            return Response(status: error.status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(body))))
        }
    }
}
