import Foundation
import OnSiteSync

extension FieldClient {
    /// Sends this device's changes and photos to the relay and fetches what changed (see ``SyncEngine/sync(client:options:progress:)``),
    /// going on through dropped links as ``SyncOptions/persistence`` allows (``SyncEngine/syncPersistently(client:options:progress:sleep:)``).
    ///
    /// - Throws: ``ClientError`` when not enrolled, the options are wrong, or the relay refuses or cannot be
    ///   reached (``ClientError/isUnreachable``: everything is kept for the next sync).
    ///
    /// - Parameter connection: the relay to sync with; by default the enrolment's, over HTTPS.
    public func sync(_ options: SyncOptions = SyncOptions(), progress: SyncProgress = SyncProgress(),
                     over connection: (any RelayConnection)? = nil) async throws -> SyncReport {
        try options.check()
        let engine = self.engine
        let relay: any RelayConnection
        if let connection {
            relay = connection
        } else {
            relay = try await engine.makeClient()
        }
        return try await engine.syncPersistently(client: relay, options: options, progress: progress)
    }

    /// Fetches the photos of one report that this replica lacks, verified by hash; nil when none is missing.
    public func fetchMissingPhotos(of report: String, transport: TransportConfiguration? = nil) async throws -> PhotoSyncReport? {
        let record = try await replica.report(report).record
        guard record.attachments.contains(where: { !replica.blobs.contains($0.sha256) }) else { return nil }
        let engine = self.engine
        var sync = SyncReport()
        try await engine.downloadPhotos(client: try await engine.makeClient(transport: transport), reportIds: [record.id], into: &sync)
        return sync.photos
    }
}
