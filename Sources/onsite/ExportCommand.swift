import ArgumentParser
import Foundation
import OnSiteClient
import OnSiteCore

struct Export: AsyncParsableCommand, ReplicaCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export this replica's reports as CSV (Excel), GeoJSON (maps) or JSON, redacted for the replica's role.",
        discussion: """
            CSV: RFC 4180 with a UTF-8 byte order mark, so Excel opens Vietnamese intact. GeoJSON: an RFC 7946 \
            FeatureCollection, longitude first; reports without a position have a null geometry. JSON: every record \
            with its notes, verifications, photos, history and due date. Reporter data follows the role: supervisors \
            never get it, officers and leaders not for confidential reports.
            """)
    @OptionGroup var replica: ReplicaOptions
    @Option(help: "csv, geojson or json.") var format: ExportFormat
    @Option(name: .shortAndLong, help: "Write to this file (default: standard output).") var output: String?
    @Option(help: "Judge due dates as of this instant (ISO 8601) or day (YYYY-MM-DD, Vietnam time); default: now.") var asOf: String?
    @Option(help: "CSV headers and words: vi (default) or en.") var lang: ReportLanguage = .vietnamese
    @OptionGroup var data: SampleDataOptions

    func run() async throws {
        let client = try replica.open()
        let instant = try OverdueRequest.instant(asOf, "--as-of", zone: OverdueRequest.provinceTimeZone)
        let bytes = try await client.export(format, catalogue: try data.catalogue(), language: lang, asOf: instant)
        guard let output else {
            FileHandle.standardOutput.write(bytes)
            return
        }
        try bytes.write(to: URL(fileURLWithPath: output), options: .atomic)
        let count = try await client.replica.allRecords().count
        FileHandle.standardError.write(Data("Exported \(count) report(s) as \(format.rawValue) to \(output), redacted for the role \(try await client.readerRole().rawValue).\n".utf8))
    }
}

extension ExportFormat: ExpressibleByArgument {}
