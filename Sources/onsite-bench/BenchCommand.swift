import ArgumentParser

/// `onsite-bench`: the sync benchmark by default (`onsite-bench --reports 10000`), `onsite-bench field-day`, `onsite-bench load --devices 200`
/// or `onsite-bench export --reports 10000`.
///
/// Each benchmark is a subcommand with options of its own, so `field-day --photos 6` cannot be read as the sync
/// benchmark's `--photos`.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "onsite-bench",
        abstract: "OnSite benchmarks against a real onsite-relay process over TLS on loopback.",
        subcommands: [SyncBenchmark.self, FieldDayCommand.self, LoadBenchmark.self, ExportBenchmark.self, SigningBenchmark.self,
                      WebBenchmark.self],
        defaultSubcommand: SyncBenchmark.self)
}
