import Foundation
import OnSiteSync

extension SyncEngine {
    /// The photo phase: sends the upload queue in chunks of `chunkSize` bytes (sized to the link when nil, see
    /// ``ChunkSizing``), then pulls again when a photo completed, so its `blob_available` arrives in the same sync.
    public func uploadPhotos(client: RelayClient, chunkSize: Int64? = nil, into report: inout SyncReport,
                             progress: (@Sendable (PhotoProgress) -> Void)? = nil) async throws {
        let sizing = chunkSize.map { ChunkSizing(fixed: $0) } ?? client.chunkSizing
        let uploader = PhotoUploader(replica: replica, sizing: sizing, logger: logger)
        try await uploader.upload(client: client, into: &report.photos, progress: progress)
        if report.photos.completed > 0 {
            try await pull(client: client, into: &report)
        }
    }

    /// Fetches the missing photos of the given reports (all when nil), verified by hash on arrival.
    public func downloadPhotos(client: RelayClient, reportIds: Set<String>? = nil, into report: inout SyncReport,
                               progress: (@Sendable (String) -> Void)? = nil) async throws {
        try await PhotoDownloader(replica: replica).download(client: client, reportIds: reportIds, into: &report.photos, progress: progress)
    }
}
