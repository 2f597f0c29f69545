import ArgumentParser
import Foundation
import OnSiteClient
import OnSiteCore
import OnSiteSync

struct Verify: AsyncParsableCommand, ReplicaCommand {
    static let configuration = CommandConfiguration(abstract: "Record an on-site verification (works offline).")
    @OptionGroup var replica: ReplicaOptions
    @Argument(help: "The report's id or code.") var report: String
    @Option(help: "confirmed, partly_confirmed, not_confirmed or already_resolved.") var finding: Finding
    @Option(help: "What you saw and did.") var notes: String = ""
    @Option(help: "Your latitude, decimal degrees.") var lat: Double?
    @Option(help: "Your longitude, decimal degrees.") var lon: Double?
    @Option(help: "When you were on site, ISO 8601 (default: now).") var visitedAt: String?
    @Option(name: .customLong("photo"), help: "A JPEG photo taken on site; repeat for several. Checked against the report's place and time (warnings, never a refusal).") var photos: [String] = []

    private var request: VerificationRequest {
        VerificationRequest(finding: finding, notes: notes, latitude: lat, longitude: lon, visitedAt: visitedAt, photos: photos)
    }

    func validate() throws {
        try validating { () throws(ClientError) in try request.check() }
    }

    func run() async throws {
        let recorded = try await replica.open().verify(report, request)
        print("Verification of \(report) recorded (\(finding.label))"
              + (recorded.photos.isEmpty ? "" : " with \(recorded.photos.count) photo(s)") + "; it syncs with the next `onsite sync`.")
        for photo in recorded.photos { PhotoText.printCheck(photo) }
    }
}

struct Import: AsyncParsableCommand, ReplicaCommand {
    static let configuration = CommandConfiguration(abstract: "Create reports from a JSON file (hub devices).")
    @OptionGroup var replica: ReplicaOptions
    @Argument(help: "A JSON array of reports (see Samples/reports.json).") var file: String
    @Option(help: "A JSON array of their history events, imported with them (see Samples/memo-2024-04/events.json).") var events: String?

    func run() async throws {
        let queued = try await replica.open().importReports(
            from: URL(fileURLWithPath: file), events: events.map { URL(fileURLWithPath: $0) })
        print("Queued \(queued.reports) report(s)\(events == nil ? "" : " and \(queued.events) history event(s)") from \(file); `onsite sync` sends them to the relay.")
    }
}

struct Sync: AsyncParsableCommand, ReplicaCommand {
    static let configuration = CommandConfiguration(abstract: "Send your changes to the relay and fetch what changed.")
    @OptionGroup var replica: ReplicaOptions
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Only send; do not fetch.") var pushOnly = false
    @Flag(help: "Also fetch the photos of the reports pulled, verified by hash (supervisors).") var photos = false
    @Option(help: "Bytes per upload chunk, fixed (default: sized to the link, about 2.5 s per chunk); the relay may cap it.") var chunkSize: Int64?
    @Option(help: "Keep going through dropped links for at most this many seconds (default 1800; 0: one attempt, no retry).") var deadline: Int?
    @Flag(help: "Keep retrying until everything is sent or the deadline passes, even while the relay cannot be reached (default: give up after 4 attempts in a row that move nothing).") var untilDone = false

    private var options: SyncOptions {
        var persistence = SyncPersistence.standard
        if let deadline { persistence.deadline = .seconds(deadline) }
        if untilDone { persistence.maxFailuresWithoutProgress = nil }
        return SyncOptions(pushOnly: pushOnly, fetchPhotos: photos, chunkSize: chunkSize, persistence: persistence)
    }

    func validate() throws {
        try validating { () throws(ClientError) in try options.check() }
    }

    /// Rewrites the current terminal line.
    @Sendable static func showProgress(_ line: String) {
        FileHandle.standardOutput.write(Data("\r\u{1B}[K\(line)".utf8))
    }

    func run() async throws {
        let interactive = isatty(STDOUT_FILENO) != 0 && !json
        let plain = PlainPhotoProgress()
        let progress = SyncProgress(
            records: interactive ? Self.showProgress : nil,
            photos: interactive ? { @Sendable in Self.showProgress(PhotoText.progressLine($0)) } : (json ? nil : { @Sendable in plain.report($0) }),
            retries: { @Sendable retry in
                let line = "Link dropped (\(retry.reason.hasSuffix(".") ? String(retry.reason.dropLast()) : retry.reason)); "
                    + "retrying in \(String(format: "%.1f", Double(retry.delay.components.seconds) + Double(retry.delay.components.attoseconds) / 1e18)) s. Left to send: \(retry.pending.summary).\n"
                FileHandle.standardError.write(Data(line.utf8))
            })
        let report = try await replica.open().sync(options, progress: progress)
        if interactive { print("") }
        if json {
            try printJSON(SyncSummary(report))
        } else {
            printSummary(report)
        }
        if !report.pendingAfter.isEmpty { try Self.notDone(report.pendingAfter) }
        try Exit.checkNothingDeferred(report)
    }

    private func printSummary(_ report: SyncReport) {
        if let recovery = report.relayRecovery { print(recovery.sentence) }
        print("Sent \(report.operationsPushed) change(s) in \(report.changeSetsPushed) batch(es)"
              + (report.replayedChangeSets > 0 ? " (\(report.replayedChangeSets) already received earlier)" : "")
              + "; received \(report.entriesPulled) change(s)"
              + (report.recordsPulled > 0 ? " and \(report.recordsPulled) whole report(s)" : "")
              + "; now at version \(report.cursor).")
        let photos = report.photos
        if photos.completed + photos.failed.count + photos.deferred.count + photos.downloaded > 0 {
            print("Photos: \(photos.completed) on the relay" + (photos.deduplicated > 0 ? " (\(photos.deduplicated) already there: not sent again)" : "") + ", "
                  + "\(photos.bytesSent) bytes sent in \(String(format: "%.1f", photos.seconds)) s"
                  + (photos.resumedFrom.isEmpty ? "" : ", resumed from the relay's offset")
                  + (photos.downloaded > 0 ? "; fetched \(photos.downloaded) (\(photos.downloadedBytes) bytes, hashes verified)" : "") + ".")
        }
        for (name, reason) in photos.failed.sorted(by: { $0.key < $1.key }) { print("Photo refused: \(name): \(reason)") }
        for (name, reason) in photos.deferred.sorted(by: { $0.key < $1.key }) { print("Photo kept for later: \(name): \(reason)") }
        for rejected in report.rejected {
            print("Refused: \(rejected.reason?.message ?? "no reason given") (\(rejected.reason?.code.rawValue ?? "rejected"))")
        }
        if report.linkDrops > 0 {
            print("Went through \(report.linkDrops) dropped link(s) in \(report.attempts) attempt(s).")
        }
    }

    /// The sync ended with work left (the relay does not know a photo's record yet, say): say what, exit 75.
    static func notDone(_ pending: PendingWork) throws {
        let line = "Not finished: your \(pending.summary) \(pending.changes + pending.photos == 1 ? "is" : "are") kept on this device; run `onsite sync` again later.\n"
        FileHandle.standardError.write(Data(line.utf8))
        throw Exit.temporary
    }
}

extension Finding: ExpressibleByArgument {}
