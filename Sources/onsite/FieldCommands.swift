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
    @Option(name: .customLong("photo"), help: "A JPEG photo taken on site; repeat for several. Checked against the report's place and time (warnings, never a refusal).") var photos: [String] = []

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
            let record = try await store.report(report).record
            let prepared = try photos.map {
                try store.preparePhoto(at: $0, for: record.report, addedBy: enrolment.profile.name, verificationId: verification.id)
            }
            let attachments = prepared.map(\.attachment)
            try await store.record([(.addVerification(verification), id)] + attachments.map { (.addAttachment($0), id) },
                                   queueingPhotosOf: attachments)
            print("Verification of \(report) recorded (\(finding.label))"
                  + (attachments.isEmpty ? "" : " with \(attachments.count) photo(s)") + "; it syncs with the next `onsite sync`.")
            for photo in prepared { PhotoText.printCheck(photo) }
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
            let reports: [Report]
            var changes: [(Change, String)]
            do {
                reports = try SampleData.loadReports(from: URL(fileURLWithPath: file))
                changes = reports.map { (Change.createReport($0), $0.id) }
                if let events {
                    changes += try SampleData.loadEvents(from: URL(fileURLWithPath: events)).map { (Change.addEvent($0), $0.reportId) }
                }
            } catch {
                throw ClientError.invalidInput("\(error) Nothing was imported.")
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
    @Flag(help: "Also fetch the photos of the reports pulled, verified by hash (supervisors).") var photos = false
    @Option(help: "Bytes per upload chunk (default 1048576); the relay may cap it.") var chunkSize: Int64 = 1 << 20

    func validate() throws {
        if chunkSize < 1024 { throw ValidationError("--chunk-size must be at least 1024 bytes.") }
    }

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
            let plain = PlainPhotoProgress()
            let photoProgress: (@Sendable (PhotoProgress) -> Void)? =
                interactive ? { @Sendable in Self.showProgress(PhotoText.progressLine($0)) } : (json ? nil : { @Sendable in plain.report($0) })
            try await engine.uploadPhotos(
                client: client, chunkSize: chunkSize, into: &report,
                progress: photoProgress)
            if photos, !pushOnly { try await engine.downloadPhotos(client: client, into: &report, progress: progress) }
            if interactive { print("") }
            if json {
                return try printJSON([
                    "changeSetsPushed": report.changeSetsPushed, "operationsPushed": report.operationsPushed,
                    "operationsApplied": report.operationsApplied, "replayed": report.replayedChangeSets,
                    "rejected": report.rejected.count, "entriesPulled": report.entriesPulled, "cursor": Int(report.cursor),
                    "photosCompleted": report.photos.completed, "photosDeduplicated": report.photos.deduplicated,
                    "photoBytesSent": Int(report.photos.bytesSent), "photosFailed": report.photos.failed.count,
                    "photosDeferred": report.photos.deferred.count, "photosResumedFrom": Int(report.photos.resumedFrom.values.max() ?? 0),
                    "photosDownloaded": report.photos.downloaded, "photoBytesDownloaded": Int(report.photos.downloadedBytes),
                    "photoRequestBytesSent": report.photos.counters.bytesSent, "photoMillis": Int(report.photos.seconds * 1000),
                    "connections": report.push.connections + report.pull.connections + report.photos.counters.connections,
                ])
            }
            print("Sent \(report.operationsPushed) change(s) in \(report.changeSetsPushed) batch(es)"
                  + (report.replayedChangeSets > 0 ? " (\(report.replayedChangeSets) already received earlier)" : "")
                  + "; received \(report.entriesPulled) change(s); now at version \(report.cursor).")
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
                print("Refused: \(rejected.reason?.message ?? "no reason given") (\(rejected.reason?.code ?? "rejected"))")
            }
        }
    }
}

extension Finding: ExpressibleByArgument {}
