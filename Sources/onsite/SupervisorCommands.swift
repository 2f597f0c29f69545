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
    func rules(province: String) throws -> ProvinceRules {
        let folder = try directory
        return try PolicyFile.load(policy: folder.appendingPathComponent("policies/\(province).json"), calendars: folder.appendingPathComponent("calendars"))
    }
}

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Supervisor reports computed from the merged state this replica pulled.",
        subcommands: [Overdue.self])

    struct Overdue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The overdue table of the Điện Biên memo: total, resolved and overdue reports per unit or category.")
        @OptionGroup var replica: ReplicaOptions
        @OptionGroup var data: SampleDataOptions
        @Option(help: "district, commune or category.") var by: OverdueGrouping = .district
        @Option(help: "Only reports received from this day (YYYY-MM-DD, Vietnam time) or instant (ISO 8601).") var from: String?
        @Option(help: "Only reports received before this day or instant.") var to: String?
        @Option(help: "Read the state as of this instant (ISO 8601; default: now).") var asOf: String?
        @Option(help: "vi (default) or en.") var lang: ReportLanguage = .vietnamese
        @Option(help: "text (default), csv or json.") var format: OverdueTableFormat = .text

        func run() async throws {
            try await reportingErrors {
                let records = try await replica.open().allRecords()
                let provinces = Set(records.map(\.report.area.province))
                guard provinces.count <= 1 else {
                    throw ClientError.invalidInput("This replica holds reports of several provinces (\(provinces.sorted().joined(separator: ", "))); the table is per province.")
                }
                guard let province = provinces.first else {
                    throw ClientError.invalidInput("No reports in this replica; run `onsite sync` first.")
                }
                let table = OverdueReport.make(
                    reports: records.map(\.report), events: records.flatMap(\.events),
                    evaluator: try data.rules(province: province).evaluator, units: try data.units(),
                    categories: try data.categories(), grouping: by, asOf: try instant(asOf, "--as-of") ?? Date(),
                    from: try instant(from, "--from"), to: try instant(to, "--to"))
                let rendered = table.rendered(as: format, language: lang)
                print(rendered, terminator: rendered.hasSuffix("\n") ? "" : "\n")
            }
        }

        /// A day in Vietnam time (00:00 +07:00) or an ISO 8601 instant.
        private func instant(_ text: String?, _ flag: String) throws -> Date? {
            guard let text else { return nil }
            if let date = WireDate.parse(text) { return date }
            if let date = WireDate.parse(text + "T00:00:00.000+07:00") { return date }
            throw ValidationError("\(flag) must be a day (2024-04-01) or an ISO 8601 instant, not \"\(text)\".")
        }
    }
}

extension OverdueGrouping: ExpressibleByArgument {}
extension ReportLanguage: ExpressibleByArgument {}
extension OverdueTableFormat: ExpressibleByArgument {}
