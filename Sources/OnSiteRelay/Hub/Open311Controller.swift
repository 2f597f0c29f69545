import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import OnSiteCore
import OnSiteSync

/// The Open311 GeoReport v2 read endpoints, JSON format, for the hub's own systems (dashboards, GIS, the
/// province's IOC): `services.json`, `requests.json` with the standard filters, and `requests/{id}.json`.
///
/// Authenticated with a device token like `/v1` (the data is the province's, not public), limited to the
/// device's scope and never carrying reporter data. Errors are Open311's array of `{code, description}`
/// (``Open311ErrorMiddleware``). Paging is an extension: `page` (from 1) and `page_size` (1…1000, default 50).
struct Open311Controller: Sendable {
    let store: any RelayHubStorage
    let catalogue: ExportCatalogue
    let limits: SyncLimits
    /// The relay's own origin, for photo URLs when a request carries no usable `Host`.
    let origin: String

    /// Open311's window when a request names no dates, and the widest range it may ask for.
    static let window: TimeInterval = 90 * 86_400
    static let defaultPageSize = 50
    static let maxPageSize = 1_000
    static let maxPage = 10_000

    /// Adds `/open311/v2/…` behind Open311's error format and the device authentication.
    func addRoutes(to router: Router<RelayRequestContext>, authenticator: DeviceAuthenticator) {
        let group = router.group("open311/v2").add(middleware: Open311ErrorMiddleware()).add(middleware: authenticator)
        group.get("services.json", use: services)
        group.get("requests.json", use: requests)
        group.get("requests/{id}.json", use: request)
    }

    @Sendable func services(_ request: Request, context: RelayRequestContext) async throws -> Response {
        _ = try context.requireActor()
        return try Self.json(catalogue.categories.map(Open311.Service.init))
    }

    @Sendable func requests(_ request: Request, context: RelayRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let parameters = HubQueryParameters(request.uri.queryParameters)
        let (query, page, pageSize) = try self.query(parameters, now: Date())
        let records = try await store.hubPage(query, for: actor, offset: (page - 1) * pageSize, limit: pageSize)
        return try Self.json(serviceRequests(records, role: actor.role, request: request))
    }

    @Sendable func request(_ request: Request, context: RelayRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let id = context.parameters.get("id") ?? ""
        guard SnapshotPosition.isReportIdentifier(id, limits: limits) else {
            throw RelayError.badQuery("id", "in the path must be a report id (letters, digits, `-`, `_`, `.`, `:`, `@`, at most \(limits.maxIdentifierLength) bytes)")
        }
        let records = try await store.hubPage(HubQuery(ids: [id]), for: actor, offset: 0, limit: 1)
        guard !records.isEmpty else {
            throw RelayError(.notFound, code: .outOfScope,
                             message: "No report \(id) in this device's scope. Check the id (`service_request_id` of requests.json).")
        }
        // Open311 answers a single request as an array of one.
        return try Self.json(serviceRequests(records, role: actor.role, request: request))
    }

    /// The filters of `requests.json`, checked: `service_request_id` overrides every other one, as the spec says.
    func query(_ parameters: HubQueryParameters, now: Date) throws(RelayError) -> (HubQuery, page: Int, pageSize: Int) {
        let page = try parameters.integer("page", in: 1...Self.maxPage, default: 1)
        let pageSize = try parameters.integer("page_size", in: 1...Self.maxPageSize, default: Self.defaultPageSize)
        let ids = try parameters.reportIds("service_request_id", limits: limits)
        // Every parameter is checked even when ids make the others moot: bad input is refused wherever it is.
        var query = HubQuery()
        if let codes = try parameters.list("service_code") {
            if let unknown = codes.first(where: { catalogue.categoryNames[$0] == nil }) {
                throw RelayError.badQuery("service_code", "names `\(unknown.prefix(64))`, which is not a service; services.json lists them")
            }
            query.categories = codes
        }
        if let statuses = try parameters.list("status") {
            var wanted = Set<ReportStatus>()
            for status in statuses {
                guard let open311 = Open311.Status(rawValue: status) else {
                    throw RelayError.badQuery("status", "takes `open`, `closed` or both comma-separated (got `\(status.prefix(64))`)")
                }
                wanted.formUnion(ReportStatus.allCases.filter { Open311.status(of: $0) == open311 })
            }
            query.statuses = wanted
        }
        if let jurisdiction = try parameters.value("jurisdiction_id") {
            guard catalogue.rules[jurisdiction] != nil else {
                throw RelayError.badQuery("jurisdiction_id", "names `\(jurisdiction.prefix(64))`, which is not a province of this relay (\(catalogue.rules.keys.sorted().joined(separator: ", ")))")
            }
            query.province = jurisdiction
        }
        // Dates: the last 90 days when none is given; one alone opens a 90-day window from (or to) it.
        var start = try parameters.instant("start_date")
        var end = try parameters.instant("end_date")
        if let ids { return (HubQuery(ids: ids), page, pageSize) }
        if let day = end, parameters.isDay("end_date") { end = day.addingTimeInterval(86_400) }  // through that whole day
        switch (start, end) {
        case (nil, nil): (start, end) = (now.addingTimeInterval(-Self.window), nil)
        case (let from?, nil): end = from.addingTimeInterval(Self.window)
        case (nil, let to?): start = to.addingTimeInterval(-Self.window)
        case (let from?, let to?):
            guard from < to else { throw RelayError.badQuery("end_date", "must be after `start_date`") }
            guard to.timeIntervalSince(from) <= Self.window else {
                throw RelayError.badQuery("end_date", "is more than 90 days after `start_date`; Open311 asks for at most 90 days per request (ask several windows)")
            }
        }
        query.receivedFrom = start
        query.receivedBefore = end
        return (query, page, pageSize)
    }

    private func serviceRequests(_ records: [ReportRecord], role: Role, request: Request) -> [Open311.Request] {
        let base = mediaBase(request)
        let now = Date()
        return records.map { Open311.Request($0, row: catalogue.row($0, role: role, asOf: now), mediaBase: base) }
    }

    /// `scheme://host[:port]` from the request's `Host`, when it is a plain host name or address; else the relay's own.
    private func mediaBase(_ request: Request) -> String {
        let scheme = origin.hasPrefix("https:") ? "https" : "http"
        guard let authority = request.head.authority, !authority.isEmpty, authority.utf8.count <= 255,
              authority.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || ".-:[]".unicodeScalars.contains($0) }),
              authority.unicodeScalars.allSatisfy(\.isASCII)
        else { return origin }
        return "\(scheme)://\(authority)"
    }

    static func json<T: Encodable>(_ value: T) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
