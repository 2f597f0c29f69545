import ArgumentParser
import Foundation
import OnSiteClient
import OnSiteCore
import OnSiteSync

/// Where the catalogues and policies come from: `--samples DIR`, `$ONSITE_SAMPLES`, or the `Samples/` folder of
/// the working directory or of the checkout the executable was built in.
struct SampleDataOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Folder with units.json, categories.json, policies/ and calendars/ (default: Samples/).", valueName: "dir"))
    var samples: String?

    var directory: URL {
        get throws {
            var candidates: [URL] = []
            if let samples { candidates.append(URL(fileURLWithPath: samples)) }
            if let env = ProcessInfo.processInfo.environment["ONSITE_SAMPLES"] { candidates.append(URL(fileURLWithPath: env)) }
            candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Samples"))
            var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            for _ in 0..<5 {
                candidates.append(folder.appendingPathComponent("Samples"))
                folder = folder.deletingLastPathComponent()
            }
            guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.appendingPathComponent("units.json").path) }) else {
                throw ValidationError("No catalogue folder with units.json found; pass --samples DIR (the project's Samples/ folder).")
            }
            return found
        }
    }

    func units() throws -> UnitDirectory { try SampleData.loadUnits(from: try directory.appendingPathComponent("units.json")) }
    func categories() throws -> [OnSiteCore.Category] { try SampleData.loadCategories(from: try directory.appendingPathComponent("categories.json")) }
    /// The catalogue files as the library takes them.
    var catalogue: Catalogue {
        let options = self
        return Catalogue(rules: { try options.rules(province: $0) }, units: { try options.units() }, categories: { try options.categories() })
    }

    func rules(province: String) throws -> ProvinceRules {
        let folder = try directory
        return try PolicyFile.load(policy: folder.appendingPathComponent("policies/\(province).json"), calendars: folder.appendingPathComponent("calendars"))
    }
}

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Supervisor reports computed from the merged state this replica pulled.",
        subcommands: [Overdue.self])

    struct Overdue: AsyncParsableCommand, ReplicaCommand {
        static let configuration = CommandConfiguration(
            abstract: "The overdue table of the Điện Biên memo: total, resolved and overdue reports per unit or category.")
        @OptionGroup var replica: ReplicaOptions
        @OptionGroup var data: SampleDataOptions
        @Option(help: "district, commune or category.") var by: OverdueGrouping = .district
        @Option(help: "Only reports received from this day (YYYY-MM-DD, in the time zone of the province's policy) or instant (ISO 8601).") var from: String?
        @Option(help: "Only reports received before this day or instant.") var to: String?
        @Option(help: "Read the state as of this instant (ISO 8601; default: now).") var asOf: String?
        @Option(help: "vi (default) or en.") var lang: ReportLanguage = .vietnamese
        @Option(help: "text (default), csv or json.") var format: OverdueTableFormat = .text

        func run() async throws {
            let table = try await replica.open().overdueTable(
                OverdueRequest(grouping: by, from: from, to: to, asOf: asOf), catalogue: data.catalogue)
            let rendered = table.rendered(as: format, language: lang)
            print(rendered, terminator: rendered.hasSuffix("\n") ? "" : "\n")
        }
    }
}

extension OverdueGrouping: ExpressibleByArgument {}
extension ReportLanguage: ExpressibleByArgument {}
extension OverdueTableFormat: ExpressibleByArgument {}
