import HTTPTypes

/// The relay's HTTP surface: each path it serves and the methods it answers there, as `Protocol/openapi.yaml`
/// declares them for the API (``api``), and the supervisor page's paths (``web``).
///
/// Hummingbird's router answers 404 for a known path asked with a method it has no handler for;
/// ``MethodNotAllowedMiddleware`` reads this table to answer 405 with `Allow` instead. The route tests check
/// that every entry reaches a handler and that openapi.yaml declares the API's paths and methods, so the table
/// cannot drift from the routes or the spec.
///
/// ```swift
/// RouteTable.relay.allowedMethods(forPath: "/v1/uploads/9f86…")  // [.head, .get, .patch]
/// RouteTable.relay.allowedMethods(forPath: "/v1/nothing")       // nil: not a path of the relay
/// ```
public struct RouteTable: Sendable {
    /// One path pattern (`/v1/uploads/{sha256}`: a `{name}` segment matches any one segment, `{name}.json` any one
    /// segment ending in `.json`) and its methods.
    public struct Route: Sendable {
        public let pattern: String
        public let methods: [HTTPRequest.Method]
        let segments: [Segment]

        public init(_ pattern: String, _ methods: [HTTPRequest.Method]) {
            self.pattern = pattern
            self.methods = methods
            self.segments = pattern.split(separator: "/").map { part in
                guard part.hasPrefix("{"), let close = part.firstIndex(of: "}") else { return .literal(String(part)) }
                let suffix = part[part.index(after: close)...]
                return suffix.isEmpty ? .parameter : .parameterWithSuffix(String(suffix))
            }
        }

        func matches(_ path: [Substring]) -> Bool {
            guard path.count == segments.count else { return false }
            return zip(segments, path).allSatisfy { segment, part in
                switch segment {
                case .parameter: true
                case .parameterWithSuffix(let suffix): part.count > suffix.count && part.hasSuffix(suffix)
                case .literal(let text): text == part
                }
            }
        }
    }

    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter
        /// `{id}.json`: a parameter followed by fixed text in the same segment.
        case parameterWithSuffix(String)
    }

    public let routes: [Route]

    public init(_ routes: [Route]) {
        self.routes = routes
    }

    /// The pattern of the route serving `path`, e.g. `/v1/uploads/{sha256}`: a bounded label for metrics and logs.
    public func pattern(forPath path: String) -> String? {
        let parts = path.split(separator: "/")
        return routes.first { $0.matches(parts) }?.pattern
    }

    /// The methods the relay answers on `path` (a request path without its query), or nil when no route has it.
    public func allowedMethods(forPath path: String) -> [HTTPRequest.Method]? {
        let parts = path.split(separator: "/")
        return routes.first { $0.matches(parts) }?.methods
    }

    /// Every route of the relay: the API's, then the supervisor page's.
    public static let relay = RouteTable(api.routes + web.routes)

    /// The supervisor web page's routes (HTML for a browser; not in `Protocol/openapi.yaml`).
    public static let web = RouteTable([
        Route("/web", [.get]),
        Route("/web/style.css", [.get]),
        Route("/web/signin", [.get, .post]),
        Route("/web/signout", [.post]),
        Route("/web/districts/{district}", [.get]),
        Route("/web/districts/{district}/communes/{commune}", [.get]),
        Route("/web/reports/{id}", [.get]),
        Route("/web/photos/{sha256}", [.get]),
        Route("/web/photos/{sha256}/thumbnail", [.get]),
    ])

    /// The API's routes, in the order of `Protocol/openapi.yaml`.
    public static let api = RouteTable([
        Route("/healthz", [.get]),
        Route("/metrics", [.get]),
        Route("/v1/me", [.get]),
        Route("/v1/changesets", [.post]),
        Route("/v1/changes", [.get]),
        Route("/v1/keys", [.post]),
        Route("/v1/evidence/{reportId}", [.get]),
        Route("/v1/uploads", [.post]),
        Route("/v1/uploads/{sha256}", [.head, .get, .patch]),
        Route("/v1/blobs/{sha256}", [.get]),
        Route("/v1/export/reports.csv", [.get]),
        Route("/v1/export/reports.geojson", [.get]),
        Route("/open311/v2/services.json", [.get]),
        Route("/open311/v2/requests.json", [.get]),
        Route("/open311/v2/requests/{id}.json", [.get]),
    ])
}
