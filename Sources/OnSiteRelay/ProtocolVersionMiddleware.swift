import Hummingbird
import HTTPTypes
import OnSiteSync

/// Refuses a request whose `OnSite-Protocol` header names another protocol version than the relay's, with 400
/// `unsupported_protocol`, before the route reads anything.
///
/// A request without the header is served (v1 clients always send it; tools and probes may not). A client of
/// another version gets a sentence it can show instead of a body the relay would misread.
struct ProtocolVersionMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let name = HTTPField.Name(SyncProtocol.versionHeader) {
            let values = request.headers[values: name]
            if !values.isEmpty, values != [String(SyncProtocol.version)] {
                throw RelayError.unsupportedProtocol(values.joined(separator: ", "))
            }
        }
        return try await next(request, context)
    }
}
