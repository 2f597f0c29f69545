import ArgumentParser
import Foundation
import OnSiteClient
import OnSiteCore
import OnSiteSync

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Record an on-site verification (works offline).")
    @OptionGroup var replica: ReplicaOptions
    @Argument(help: "The report's id or code.") var report: String
    @Option(help: "confirmed, partly_confirmed, not_confirmed or already_resolved.") var finding: Finding
    @Option(help: "What you saw and did.") var notes: String = ""
    @Option(help: "Your latitude, decimal degrees.") var lat: Double?
    @Option(help: "Your longitude, decimal degrees.") var lon: Double?
    @Option(help: "When you were on site, ISO 8601 (default: now).") var visitedAt: String?

    func validate() throws {
        if (lat == nil) != (lon == nil) { throw ValidationError("Give both --lat and --lon, or neither.") }
        if let lat, let lon, !GeoPoint(latitude: lat, longitude: lon).isValid {
            throw ValidationError("--lat must be within -90…90 and --lon within -180…180.")
        }
        if let visitedAt, WireDate.parse(visitedAt) == nil {
            throw ValidationError("--visited-at must be an ISO 8601 time such as 2024-04-18T09:30:00+07:00.")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let store = try replica.open()
            guard let enrolment = try await store.enrolment() else { throw ClientError.notEnrolled }
            let id = try await store.report(report).record.id
            let position = lat.flatMap { lat in lon.map { GeoPoint(latitude: lat, longitude: $0) } }
            let verification = Verification(
                reportId: id, officer: enrolment.profile.name,
                visitedAt: WireDate.rounded(visitedAt.flatMap(WireDate.parse) ?? Date()),
                position: position, finding: finding, notes: VietnameseText.normalized(notes))
            try await store.record(.addVerification(verification), on: id)
            print("Verification of \(report) recorded (\(finding.label)); it syncs with the next `onsite sync`.")
        }
    }
}

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create reports from a JSON file (hub devices).")
    @OptionGroup var replica: ReplicaOptions
    @Argument(help: "A JSON array of reports (see Samples/reports.json).") var file: String
    @Option(help: "A JSON array of their history events, imported with them (see Samples/memo-2024-04/events.json).") var events: String?

    func run() async throws {
        try await reportingErrors {
            let store = try replica.open()
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ClientError.invalidInput("Cannot read \(file).")
            }
            let reports: [Report]
            do {
                reports = try WireCoding.decode([Report].self, from: data)
            } catch {
                throw ClientError.invalidInput("\(file) is not a list of reports: \(error)")
            }
            var changes = reports.map { (Change.createReport($0), $0.id) }
            if let events {
                guard let data = FileManager.default.contents(atPath: events) else { throw ClientError.invalidInput("Cannot read \(events).") }
                let history: [Event]
                do {
                    history = try WireCoding.decode([Event].self, from: data)
                } catch {
                    throw ClientError.invalidInput("\(events) is not a list of events: \(error)")
                }
                changes += history.map { (Change.addEvent($0), $0.reportId) }
            }
            try await store.record(changes)
            print("Queued \(reports.count) report(s)\(events == nil ? "" : " and \(changes.count - reports.count) history event(s)") from \(file); `onsite sync` sends them to the relay.")
        }
    }
}

struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Send your changes to the relay and fetch what changed.")
    @OptionGroup var replica: ReplicaOptions
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Only send; do not fetch.") var pushOnly = false

    func run() async throws {
        try await reportingErrors { try await perform() }
    }

    /// Rewrites the current terminal line.
    @Sendable static func showProgress(_ line: String) {
        FileHandle.standardOutput.write(Data("\r\u{1B}[K\(line)".utf8))
    }

    private func perform() async throws {
        do {
            let store = try replica.open()
            let engine = SyncEngine(replica: store)
            let client = try await engine.makeClient()
            let interactive = isatty(STDOUT_FILENO) != 0 && !json
            let progress: (@Sendable (String) -> Void)? = interactive ? Self.showProgress : nil
            var report = SyncReport()
            try await engine.push(client: client, into: &report, progress: progress)
            if !pushOnly { try await engine.pull(client: client, into: &report, progress: progress) }
            if interactive { print("") }
            if json {
                return try printJSON([
                    "changeSetsPushed": report.changeSetsPushed, "operationsPushed": report.operationsPushed,
                    "operationsApplied": report.operationsApplied, "replayed": report.replayedChangeSets,
                    "rejected": report.rejected.count, "entriesPulled": report.entriesPulled, "cursor": Int(report.cursor),
                ])
            }
            print("Sent \(report.operationsPushed) change(s) in \(report.changeSetsPushed) batch(es)"
                  + (report.replayedChangeSets > 0 ? " (\(report.replayedChangeSets) already received earlier)" : "")
                  + "; received \(report.entriesPulled) change(s); now at version \(report.cursor).")
            for rejected in report.rejected {
                print("Refused: \(rejected.reason?.message ?? "no reason given") (\(rejected.reason?.code ?? "rejected"))")
            }
        }
    }
}

extension Finding: ExpressibleByArgument {}
