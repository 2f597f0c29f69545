import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import OnSiteCore
import OnSiteSync

/// `/v1/export/reports.csv` and `/v1/export/reports.geojson`: the reports of the device's scope, redacted for its
/// role, in the same bytes as `onsite export` writes (``ReportExport``).
///
/// Streamed: the body is written ``batchSize`` records at a time, each batch read by id after the previous one
/// (keyset paging) and sent before the next is read, so a request holds one batch in memory whatever the size of
/// the scope. Filters: `unit` (a unit code), `status` (OnSite statuses, comma-separated), `from` and `to`
/// (receipt time, W3C datetimes or days; `to` is exclusive for a datetime and takes the whole day for a day),
/// and `lang` (`vi` or `en`, the CSV's headers and words).
struct ExportController: Sendable {
    let store: any RelayHubStorage
    let catalogue: ExportCatalogue
    /// Records read and written per batch.
    var batchSize = 200

    func addRoutes(to group: RouterGroup<RelayRequestContext>) {
        group.get("export/reports.csv", use: csv)
        group.get("export/reports.geojson", use: geoJSON)
    }

    @Sendable func csv(_ request: Request, context: RelayRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let parameters = HubQueryParameters(request.uri.queryParameters)
        let query = try self.query(parameters)
        let language: ReportLanguage
        switch try parameters.value("lang") {
        case nil, "vi": language = .vietnamese
        case "en": language = .english
        case let other?: throw RelayError.badQuery("lang", "takes `vi` or `en` (got `\(other.prefix(64))`)")
        }
        let catalogue = self.catalogue
        return try await stream(query, for: actor, contentType: "text/csv; charset=utf-8", fileName: "onsite-reports.csv",
                                start: ReportExport.csvHeader(language: language), separator: nil, end: nil) { record, asOf in
            ReportExport.csvRecord(catalogue.row(record, role: actor.role, asOf: asOf), language: language)
        }
    }

    @Sendable func geoJSON(_ request: Request, context: RelayRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let query = try self.query(HubQueryParameters(request.uri.queryParameters))
        let catalogue = self.catalogue
        return try await stream(query, for: actor, contentType: "application/geo+json", fileName: "onsite-reports.geojson",
                                start: ReportExport.geoJSONStart, separator: ReportExport.geoJSONSeparator, end: ReportExport.geoJSONEnd) {
            record, asOf in ReportExport.geoJSONFeature(catalogue.row(record, role: actor.role, asOf: asOf))
        }
    }

    /// The export's filters, checked.
    func query(_ parameters: HubQueryParameters) throws(RelayError) -> HubQuery {
        var query = HubQuery()
        query.unit = try parameters.unit("unit", units: catalogue.units)
        if let statuses = try parameters.list("status") {
            var wanted = Set<ReportStatus>()
            for text in statuses {
                guard let status = ReportStatus(rawValue: text) else {
                    throw RelayError.badQuery("status", "takes OnSite statuses, comma-separated (\(ReportStatus.allCases.map(\.rawValue).joined(separator: ", "))); got `\(text.prefix(64))`")
                }
                wanted.insert(status)
            }
            query.statuses = wanted
        }
        query.receivedFrom = try parameters.instant("from")
        if var to = try parameters.instant("to") {
            if parameters.isDay("to") { to.addTimeInterval(86_400) }
            if let from = query.receivedFrom, from >= to { throw RelayError.badQuery("to", "must be after `from`") }
            query.receivedBefore = to
        }
        return query
    }

    /// Reads the first batch before answering (so a failing store is a clean error), then streams the rest.
    private func stream(
        _ query: HubQuery, for actor: Actor, contentType: String, fileName: String, start: Data, separator: Data?, end: Data?,
        encode: @escaping @Sendable (ReportRecord, Date) -> Data
    ) async throws -> Response {
        let store = self.store
        let batchSize = self.batchSize
        let asOf = Date()
        let first = try await store.hubBatch(query, for: actor, after: nil, limit: batchSize)
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.contentDisposition] = "attachment; filename=\"\(fileName)\""
        headers[.cacheControl] = "no-store"
        let body = ResponseBody { writer in
            var buffer = ByteBuffer(bytes: start)
            var batch = first
            var written = 0
            while true {
                for record in batch {
                    if written > 0, let separator { buffer.writeBytes(separator) }
                    buffer.writeBytes(encode(record, asOf))
                    written += 1
                }
                try await writer.write(buffer)
                buffer = ByteBuffer()
                guard batch.count == batchSize, let last = batch.last else { break }
                batch = try await store.hubBatch(query, for: actor, after: last.id, limit: batchSize)
            }
            if let end { try await writer.write(ByteBuffer(bytes: end)) }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }
}
