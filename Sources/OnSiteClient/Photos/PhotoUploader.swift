import Foundation
import Logging
import OnSiteSync

/// Progress of the photo phase, for `onsite sync`'s progress line.
public struct PhotoProgress: Sendable, Hashable {
    /// The photo being sent (1-based) and how many are queued.
    public var index: Int
    public var count: Int
    public var fileName: String
    /// Bytes of this photo the relay holds (plus the chunk in flight).
    public var photoBytesDone: Int64
    public var photoBytes: Int64
    /// Bytes still to send in the whole queue, at the start of the phase.
    public var queueBytes: Int64
    /// Bytes sent in this phase so far (chunks in flight included).
    public var bytesSent: Int64
    /// Seconds since the phase began.
    public var elapsed: Double

    /// Bytes per second in this phase.
    public var rate: Double { elapsed > 0 ? Double(bytesSent) / elapsed : 0 }
    /// Seconds left at the current rate, or nil before there is a rate.
    public var remainingSeconds: Double? {
        rate > 0 ? Double(max(0, queueBytes - bytesSent)) / rate : nil
    }
}

/// What the photo phase of one sync did.
public struct PhotoSyncReport: Sendable, Hashable {
    /// Photos the relay now holds (sent now, or already there).
    public var completed = 0
    /// Photos the relay already had from another device: no byte was sent.
    public var deduplicated = 0
    /// Chunk bytes the relay accepted in this sync.
    public var bytesSent: Int64 = 0
    /// For each photo resumed from a non-zero offset: where it resumed.
    public var resumedFrom: [String: Int64] = [:]
    /// Photos refused for good, with the relay's sentence.
    public var failed: [String: String] = [:]
    /// Photos left queued (e.g. the relay does not know their record yet), with the reason.
    public var deferred: [String: String] = [:]
    /// The phase stopped to let changes recorded meanwhile go first (records before photos); photos continue after.
    public var yieldedToRecords = false
    /// Uploads the relay emptied (`upload_restarted`) and this sync sent again from 0.
    public var restarted = 0
    public var downloaded = 0
    public var downloadedBytes: Int64 = 0
    /// Attachments whose bytes the relay does not hold yet (nothing to download).
    public var notYetAvailable = 0
    public var counters = WireCounters()
    public var seconds = 0.0

    public init() {}
}

/// Sends the upload queue, one photo after another, chunk by chunk from the relay's offset.
///
/// Runs after the records' push and pull, so photos never hold back records; before each chunk it checks the
/// outbox, and gives way (``PhotoSyncReport/yieldedToRecords``) when a change was recorded meanwhile. Each
/// photo starts by asking the relay (`POST /v1/uploads`): a blob the relay already has is done without a byte;
/// otherwise chunks are sent from the relay's offset, each with its SHA-256, and the confirmed offset is
/// recorded in the replica after every chunk. Chunks are sized to the link (``ChunkSizing``) unless fixed. A
/// dropped link ends the phase (``ClientError/isUnreachable``); the next attempt resumes from the relay's offset.
public struct PhotoUploader: Sendable {
    public let replica: Replica
    public var sizing: ChunkSizing
    public var logger: Logger?

    public init(replica: Replica, sizing: ChunkSizing, logger: Logger? = nil) {
        self.replica = replica
        self.sizing = sizing
        self.logger = logger
    }

    public func upload(client: RelayClient, into report: inout PhotoSyncReport, progress: (@Sendable (PhotoProgress) -> Void)? = nil) async throws {
        let start = ContinuousClock.now
        defer { report.seconds += (ContinuousClock.now - start).seconds }
        let queue = try await replica.queuedUploads()
        let queueBytes = queue.reduce(Int64(0)) { $0 + $1.byteCount - $1.confirmedOffset }
        var sentBefore: Int64 = 0
        for (index, upload) in queue.enumerated() {
            let path = replica.blobs.path(for: upload.sha256)
            guard FileManager.default.fileExists(atPath: path) else {
                try await replica.setUploadState(.failed, of: upload.sha256, error: "the local copy in \(path) is missing")
                report.failed[upload.fileName] = "the local copy is missing"
                continue
            }
            let base = sentBefore
            let counter = ProgressCounter()
            let report1 = { @Sendable (done: Int64, inFlight: Int64) -> Void in
                progress?(PhotoProgress(
                    index: index + 1, count: queue.count, fileName: upload.fileName, photoBytesDone: done + inFlight,
                    photoBytes: upload.byteCount, queueBytes: queueBytes, bytesSent: base + counter.accepted + inFlight,
                    elapsed: (ContinuousClock.now - start).seconds))
            }
            let finished: Bool
            do {
                finished = try await send(upload, path: path, client: client, report: &report, counter: counter, progress: report1)
            } catch let error as ClientError where !error.isUnreachable {
                finished = true
                if let code = error.relayCode, code == .blobNotReferenced || code == .uploadBusy || code == .uploadSuperseded || code.isServerFailure {
                    try await replica.setUploadState(.queued, of: upload.sha256, error: error.description)
                    report.deferred[upload.fileName] = error.description
                } else {
                    try await replica.setUploadState(.failed, of: upload.sha256, error: error.description)
                    report.failed[upload.fileName] = error.description
                }
            } catch {
                report.bytesSent += counter.accepted
                throw error
            }
            report.bytesSent += counter.accepted
            sentBefore += counter.accepted
            guard finished else {
                report.yieldedToRecords = true
                return
            }
        }
    }

    /// Sends one photo. Returns false when it stopped early to let changes recorded meanwhile go first.
    private func send(
        _ upload: PhotoUpload, path: String, client: RelayClient, report: inout PhotoSyncReport, counter: ProgressCounter,
        progress: @escaping @Sendable (Int64, Int64) -> Void
    ) async throws -> Bool {
        var machine = UploadStateMachine(byteCount: upload.byteCount, chunkSize: sizing.next)
        var action = machine.start()
        let pending = try await replica.pendingWork()
        while true {
            machine.chunkSize = sizing.next
            switch action {
            case .create:
                let status = try await client.createUpload(
                    UploadRequest(sha256: upload.sha256, byteCount: upload.byteCount, contentType: upload.contentType),
                    pending: pending, counters: &report.counters)
                sizing.limit(to: status.maxChunkBytes)
                sizing.resume(upload.sha256, relayOffset: status.offset)
                machine.chunkSize = sizing.next
                action = machine.created(offset: status.offset, complete: status.complete, maxChunkBytes: status.maxChunkBytes)
                if status.complete {
                    report.deduplicated += 1
                } else if status.offset > 0 {
                    report.resumedFrom[upload.fileName] = status.offset
                }
                if !status.complete { try await replica.setConfirmedOffset(status.offset, of: upload.sha256) }
            case .sendChunk(let offset, let length):
                if try await replica.hasPendingOperations() { return false }
                let checksum = try replica.blobs.checksum(of: upload.sha256, offset: offset, length: length).hex
                progress(offset, 0)
                let started = ContinuousClock.now
                let outcome: ChunkOutcome
                do {
                    outcome = try await client.sendChunk(
                        upload.sha256, file: path, offset: offset, length: length, checksumHex: checksum, pending: pending,
                        counters: &report.counters, progress: { progress(offset, min($0.bytesSent, length)) })
                } catch let error as ClientError where error.isUnreachable {
                    sizing.cut(upload.sha256, at: offset)
                    throw error
                }
                switch outcome {
                case .accepted(let status):
                    sizing.accepted(bytes: status.offset - offset, seconds: (ContinuousClock.now - started).seconds)
                    machine.chunkSize = sizing.next
                    action = machine.chunkAccepted(offset: status.offset, complete: status.complete)
                    counter.add(status.offset - offset)
                    if !status.complete { try await replica.setConfirmedOffset(status.offset, of: upload.sha256) }
                    progress(status.offset, 0)
                case .offsetMismatch(let relayOffset):
                    logger?.info("offset mismatch", metadata: ["photo.sha256": .string(upload.sha256), "photo.relayOffset": .stringConvertible(relayOffset)])
                    action = machine.offsetMismatch(relayOffset: relayOffset)
                case .checksumMismatch:
                    action = machine.checksumMismatch()
                case .restarted:
                    logger?.notice("upload restarted by the relay", metadata: ["photo.sha256": .string(upload.sha256)])
                    report.restarted += 1
                    try await replica.setConfirmedOffset(0, of: upload.sha256)
                    action = machine.restarted()
                }
            case .finished:
                try await replica.setUploadState(.done, of: upload.sha256)
                report.completed += 1
                return true
            case .stop(let reason):
                try await replica.setUploadState(.failed, of: upload.sha256, error: reason)
                report.failed[upload.fileName] = reason
                return true
            }
        }
    }
}

/// Chunk bytes accepted for one photo, read by the progress callback on the transfer thread.
final class ProgressCounter: @unchecked Sendable {
    // @unchecked: `value` is only touched under `lock`.
    private let lock = NSLock()
    private var value: Int64 = 0

    var accepted: Int64 {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    func add(_ bytes: Int64) {
        lock.lock()
        value += max(0, bytes)
        lock.unlock()
    }
}
