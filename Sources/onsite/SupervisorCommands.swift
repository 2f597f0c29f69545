import ArgumentParser
import Foundation
import OnSiteClient
import OnSiteCore
import OnSiteSync

/// Where the catalogue and policies come from: `--samples DIR` or `$ONSITE_SAMPLES` when given, otherwise the
/// catalogue built into the binary (``OnSiteCore/BuiltInCatalogue``), so commands work from any folder.
struct SampleDataOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Folder with units.json, categories.json, policies/ and calendars/ to use instead of the built-in catalogue.", valueName: "dir"))
    var samples: String?

    /// The folder given, or nil for the built-in catalogue.
    var directory: URL? {
        get throws {
            guard let path = samples ?? ProcessInfo.processInfo.environment["ONSITE_SAMPLES"] else { return nil }
            let folder = URL(fileURLWithPath: path)
            guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("units.json").path) else {
                throw ValidationError("No units.json in \(folder.path) (from \(samples == nil ? "$ONSITE_SAMPLES" : "--samples")); give a catalogue folder like the project's Samples/, or neither to use the built-in catalogue.")
            }
            return folder
        }
    }

    func units() throws -> UnitDirectory { try catalogue().units() }

    /// The catalogue as the library takes it: the folder's files, or the built-in ones.
    func catalogue() throws -> Catalogue {
        guard let folder = try directory else { return .builtIn }
        return Catalogue(
            rules: { province in
                try PolicyFile.load(
                    policy: folder.appendingPathComponent("policies/\(province).json"), calendars: folder.appendingPathComponent("calendars"))
            },
            units: { try SampleData.loadUnits(from: folder.appendingPathComponent("units.json")) },
            categories: { try SampleData.loadCategories(from: folder.appendingPathComponent("categories.json")) })
    }
}

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Supervisor reports computed from the merged state this replica pulled.",
        subcommands: [Overdue.self])

    struct Overdue: AsyncParsableCommand, ReplicaCommand {
        static let configuration = CommandConfiguration(
            abstract: "The overdue table of the Điện Biên memo: total, resolved and overdue reports per unit or category, for any timed step.",
            discussion: """
                Every report is accounted for: hidden and test reports are left out and counted in a footnote, and reports \
                whose step start is not in their history are counted and listed in a footnote. --list prints each overdue \
                report with its unit, the officer holding it and how late it is in working time.
                """)
        @OptionGroup var replica: ReplicaOptions
        @OptionGroup var data: SampleDataOptions
        @Option(help: "reception, forwarding, handling (default, the memo's table), approval or publication.") var step: DeadlineStep = .handling
        @Option(help: "district, commune or category.") var by: OverdueGrouping = .district
        @Flag(help: "List each overdue report (unit, officer holding it, how late) instead of the table.") var list = false
        @Option(help: "Only reports received from this day (YYYY-MM-DD, in the time zone of the province's policy) or instant (ISO 8601).") var from: String?
        @Option(help: "Only reports received before this day or instant.") var to: String?
        @Option(help: "Read the state as of this instant (ISO 8601; default: now).") var asOf: String?
        @Option(help: "vi (default) or en.") var lang: ReportLanguage = .vietnamese
        @Option(help: "text (default), csv or json; --list prints text or json.") var format: OverdueTableFormat = .text

        func validate() throws {
            if list && format == .csv {
                throw ValidationError("--list prints text or json; for a spreadsheet of the reports use `onsite export --format csv`.")
            }
        }

        func run() async throws {
            let client = try replica.open()
            let request = OverdueRequest(grouping: by, step: step, from: from, to: to, asOf: asOf)
            let rendered: String
            if list {
                let (overdue, zone) = try await client.overdueList(request, catalogue: try data.catalogue())
                switch format {
                case .json:
                    let encoder = SampleData.makeEncoder()
                    rendered = String(decoding: try encoder.encode(overdue), as: UTF8.self) + "\n"
                case .text, .csv:  // csv is refused in validate()
                    rendered = overdue.rendered(language: lang, timeZone: zone)
                }
            } else {
                rendered = try await client.overdueTable(request, catalogue: try data.catalogue()).rendered(as: format, language: lang)
            }
            print(rendered, terminator: rendered.hasSuffix("\n") ? "" : "\n")
        }
    }
}

extension OverdueGrouping: ExpressibleByArgument {}
extension ReportLanguage: ExpressibleByArgument {}
extension OverdueTableFormat: ExpressibleByArgument {}
extension DeadlineStep: ExpressibleByArgument {}
