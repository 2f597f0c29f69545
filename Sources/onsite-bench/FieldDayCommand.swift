import ArgumentParser
import Foundation
import OnSiteLinkProxy

/// `onsite-bench field-day`: one officer's day of work through a bad link (issue 10).
struct FieldDayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "field-day",
        abstract: "A field day on a bad link: verifications and photos through the fault-injecting proxy while a supervisor pulls.",
        discussion: """
            A real relay process (TLS) behind the project's proxy (OnSiteLinkProxy); one officer records the \
            verifications with their photos, then one persistent sync (the `onsite sync` path) sends them through \
            the proxy; a supervisor pulls directly from the relay meanwhile. The full day (60 photos of 2–4 MB at \
            256 kbit/s) takes about 95 minutes: scale it with --verifications and --photos.
            """)

    @Option(help: "Verifications the officer records (one report each).") var verifications = 20
    @Option(help: "Photos, spread over the verifications.") var photos = 60
    @Option(help: "Smallest photo, in MB (10^6 bytes).") var minMegabytes = 2.0
    @Option(help: "Largest photo, in MB.") var maxMegabytes = 4.0
    @Option(help: "Link rate each way, kbit/s.") var kbits = 256
    @Option(help: "Added delay each way, milliseconds.") var delayMs = 300
    @Option(help: "Shortest time between two cuts, seconds.") var cutMin = 2.0
    @Option(help: "Longest time between two cuts, seconds.") var cutMax = 10.0
    @Option(help: "Seed of the cut times and photo sizes.") var seed: UInt64 = 1
    @Option(help: "Seconds between two pulls of the supervisor.") var supervisorEvery = 3.0
    @Option(help: "Give up after this many minutes.") var deadlineMinutes = 240
    @Option(help: "Keep the working folder here instead of a temporary one.") var keep: String?

    func validate() throws {
        guard verifications >= 1, photos >= 0 else { throw ValidationError("--verifications must be at least 1 and --photos at least 0.") }
        guard minMegabytes >= 0.01, maxMegabytes >= minMegabytes else { throw ValidationError("Need 0.01 ≤ --min-megabytes ≤ --max-megabytes.") }
        guard kbits >= 8, delayMs >= 0 else { throw ValidationError("--kbits must be at least 8 and --delay-ms at least 0.") }
        guard cutMin > 0, cutMax >= cutMin else { throw ValidationError("Need 0 < --cut-min ≤ --cut-max.") }
        guard supervisorEvery > 0, deadlineMinutes > 0 else { throw ValidationError("--supervisor-every and --deadline-minutes must be positive.") }
    }

    func run() async throws {
        let folder = keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("onsite-field-day-\(UUID().uuidString)")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { if keep == nil { try? FileManager.default.removeItem(at: folder) } }
        let link = LinkProfile(bytesPerSecond: LinkProfile.bytesPerSecond(kilobits: kbits), delay: .milliseconds(delayMs),
                               cutEvery: cutMin...cutMax, seed: seed)
        let plan = FieldDayBenchmark.Plan(
            verifications: verifications, photos: photos,
            photoBytes: Int(minMegabytes * 1_000_000)...Int(maxMegabytes * 1_000_000), seed: seed,
            supervisorEvery: .milliseconds(Int(supervisorEvery * 1000)), deadline: .seconds(deadlineMinutes * 60))
        try await FieldDayBenchmark(plan: plan, link: link, folder: folder).run()
    }
}
