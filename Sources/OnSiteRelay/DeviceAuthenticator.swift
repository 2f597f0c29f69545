import Hummingbird
import OnSiteCrypto
import OnSiteSync

/// Resolves `Authorization: Bearer <token>` to an enrolled, unrevoked device.
///
/// The token is hashed with SHA-256 and looked up by hash; the relay never stores a token.
struct DeviceAuthenticator: RouterMiddleware {
    let store: RelayStore

    func handle(_ request: Request, context: RelayRequestContext, next: (Request, RelayRequestContext) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw RelayError.missingToken
        }
        let token = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        guard let device = try await store.device(tokenHash: DeviceToken.hashHex(of: token)) else {
            throw RelayError.unknownToken
        }
        guard !device.isRevoked else { throw RelayError.revoked(device.name) }
        var context = context
        context.device = device
        context.logger[metadataKey: "relay.device"] = .string(device.id)
        return try await next(request, context)
    }
}

/// Turns any error that is not a ``RelayError`` into a logged 500 with a JSON body, never echoing it.
struct ErrorBodyMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as RelayError {
            throw error
        } catch let error as HTTPError {
            throw RelayError(error.status, code: .httpStatus(Int(error.status.code)), message: error.body ?? error.status.reasonPhrase)
        } catch {
            context.logger.error("request failed", metadata: ["relay.error": .string(String(describing: error)), "relay.path": .string(request.uri.path)])
            throw RelayError.internalError
        }
    }
}
