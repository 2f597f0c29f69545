import ArgumentParser
import Foundation
import OnSiteClient
import OnSiteCore
import OnSiteSync

struct Attach: AsyncParsableCommand, ReplicaCommand {
    static let configuration = CommandConfiguration(
        abstract: "Attach photos to a report, e.g. of a result (works offline; the photos upload after the records).")
    @OptionGroup var replica: ReplicaOptions
    @Argument(help: "The report's id or code.") var report: String
    @Option(name: .customLong("photo"), help: "A JPEG photo; repeat for several.") var photos: [String] = []
    @Option(help: "The id of the verification the photos belong to.") var verification: String?

    func validate() throws {
        if photos.isEmpty { throw ValidationError("Give at least one --photo FILE.") }
        if let verification, UUID(uuidString: verification) == nil { throw ValidationError("--verification must be a verification id (a UUID).") }
    }

    func run() async throws {
        let prepared = try await replica.open().attach(photos: photos, to: report, verification: verification.flatMap(UUID.init(uuidString:)))
        print("\(prepared.count) photo(s) attached to \(report); they upload with the next `onsite sync`, after the records.")
        for photo in prepared { PhotoText.printCheck(photo) }
    }
}

struct Photos: AsyncParsableCommand, ReplicaCommand {
    static let configuration = CommandConfiguration(
        abstract: "List a report's photos and fetch the ones this replica lacks, verified by hash (supervisors).")
    @OptionGroup var replica: ReplicaOptions
    @Argument(help: "The report's id or code.") var report: String
    @Flag(help: "Only list; fetch nothing.") var list = false

    func run() async throws {
        let client = try replica.open()
        if !list, let fetched = try await client.fetchMissingPhotos(of: report) {
            print("Fetched \(fetched.downloaded) photo(s), \(fetched.downloadedBytes) bytes, each verified by its SHA-256."
                  + (fetched.notYetAvailable > 0 ? " \(fetched.notYetAvailable) not uploaded yet by the device that took them." : ""))
        }
        let detail = try await client.detail(of: report)
        if detail.view.record.attachments.isEmpty { print("No photos on \(report).") }
        PhotoText.printAttachments(of: detail.view.record, uploads: detail.uploads, blobs: client.replica.blobs, withPaths: true)
    }
}

/// How photos and their checks read in the terminal: Vietnamese, then English.
enum PhotoText {
    static func printCheck(_ photo: PreparedPhoto) {
        let attachment = photo.attachment
        var facts: [String] = []
        if let time = photo.check.captureTime { facts.append("chụp lúc / taken \(WireDate.format(time))") }
        if let distance = photo.check.distanceToSite { facts.append("cách hiện trường / from the site \(metres(distance))") }
        print("  Ảnh / Photo \(attachment.fileName) (\(attachment.byteCount) bytes, \(attachment.sha256.prefix(12))): "
              + (facts.isEmpty ? "" : facts.joined(separator: ", ") + "; ")
              + (photo.check.warnings.isEmpty ? "không có cảnh báo / no warnings" : "\(photo.check.warnings.count) cảnh báo / warning(s)"))
        for warning in photo.check.warnings { printWarning(warning) }
    }

    static func printWarning(_ warning: PhotoWarning) {
        print("    ⚠ [\(warning.code.rawValue)] \(warning.vietnamese) / \(warning.english)")
    }

    /// Prints each photo with its upload state and checks; times in `time`'s zone when given, UTC otherwise.
    static func printAttachments(
        of record: ReportRecord, uploads: [String: PhotoUpload], blobs: BlobStore, withPaths: Bool = false, time: LocalTimeFormat? = nil
    ) {
        func at(_ date: Date) -> String { time.map { $0.dateTime(date) } ?? WireDate.format(date) }
        for attachment in record.attachments {
            var state: String
            if !record.isPending(attachment) {
                state = "đã lên relay / on the relay"
            } else if let upload = uploads[attachment.sha256] {
                switch upload.state {
                case .queued:
                    let percent = upload.byteCount > 0 ? Int(upload.confirmedOffset * 100 / upload.byteCount) : 0
                    state = "CHỜ TẢI LÊN / PENDING upload from this device, \(percent)% sent"
                case .done:
                    state = "CHỜ / PENDING: sent, the relay's confirmation arrives with the next sync"
                case .failed:
                    state = "BỊ TỪ CHỐI / REFUSED: \(upload.lastError ?? "refused by the relay")"
                }
            } else {
                state = "CHỜ / PENDING: the device that took it has not uploaded it yet"
            }
            let local = blobs.contains(attachment.sha256)
                ? (withPaths ? "local copy \(blobs.path(for: attachment.sha256))" : "local copy")
                : "not fetched (`onsite photos \(record.report.code)`)"
            print("  Photo \(attachment.fileName) (\(attachment.byteCount) bytes, \(attachment.sha256.prefix(12))) by \(attachment.addedBy) \(at(attachment.addedAt)): \(state); \(local)")
            if let capture = attachment.capture {
                var facts: [String] = []
                if let taken = capture.capturedAt { facts.append("taken \(at(taken))") }
                if let distance = capture.distanceToSite { facts.append("\(metres(distance)) from the site") }
                if !facts.isEmpty { print("    EXIF: " + facts.joined(separator: ", ")) }
            }
            for warning in attachment.capture?.photoWarnings ?? [] { printWarning(warning) }
        }
    }

    static func metres(_ value: Double) -> String { PhotoWarning.metres(value) }

    static func bytes(_ count: Int64) -> String {
        let value = Double(count)
        if value >= Double(1 << 30) { return String(format: "%.2f GB", value / Double(1 << 30)) }
        if value >= Double(1 << 20) { return String(format: "%.1f MB", value / Double(1 << 20)) }
        if value >= Double(1 << 10) { return String(format: "%.1f KB", value / Double(1 << 10)) }
        return "\(count) B"
    }

    /// The progress line of the photo phase.
    static func progressLine(_ progress: PhotoProgress) -> String {
        let remaining = progress.remainingSeconds.map { String(format: "%.0f s left", $0) } ?? "…"
        return "photo \(progress.index)/\(progress.count) \(progress.fileName): \(bytes(progress.photoBytesDone)) of \(bytes(progress.photoBytes)); "
            + "\(bytes(Int64(progress.rate)))/s; \(bytes(max(0, progress.queueBytes - progress.bytesSent))) to go, \(remaining)"
    }
}

/// Prints plain progress lines (no terminal): one per photo per tenth of it.
final class PlainPhotoProgress: @unchecked Sendable {
    // @unchecked: `last` is only touched under `lock`.
    private let lock = NSLock()
    private var last: [Int: Int64] = [:]

    func report(_ progress: PhotoProgress) {
        let step = max(1, progress.photoBytes / 10)
        lock.lock()
        let previous = last[progress.index] ?? -1
        let current = progress.photoBytesDone / step
        let due = current > previous
        if due { last[progress.index] = current }
        lock.unlock()
        if due { print(PhotoText.progressLine(progress)) }
    }
}
