import Hummingbird
import HTTPTypes

/// Answers 405 `method_not_allowed` with an `Allow` header when a request names a path of the relay with a
/// method that path does not serve (`DELETE /v1/changesets`), instead of the router's 404.
///
/// Added on the router before any route, so it also sees requests no route matched; it runs before device
/// authentication (the paths and methods are public in `Protocol/openapi.yaml`). Paths the relay does not have
/// stay 404.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let allowed = routes.allowedMethods(forPath: request.uri.path), !allowed.contains(request.method) else {
            return try await next(request, context)
        }
        var response = try RelayError.methodNotAllowed(request.method, allowed: allowed).response(from: request, context: context)
        if request.method == .head {
            // A HEAD answer has no body; its headers still say what the body would be.
            response.body = ResponseBody()
        }
        return response
    }
}
