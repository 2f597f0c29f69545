import Foundation
import Hummingbird
import OnSiteSync

/// `GET /v1/evidence/{reportId}`: the proof of one report's evidence, for `onsite evidence export`
/// (`Protocol/evidence.md`, "Evidence proofs"). Any device that may see the report may ask.
struct EvidenceController: Sendable {
    let store: any RelayEvidenceStorage
    let limits: SyncLimits

    func addRoutes(to group: RouterGroup<RelayRequestContext>) {
        group.get("evidence/:reportId", use: proof)
    }

    @Sendable func proof(_ request: Request, context: RelayRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let reportId = context.parameters.get("reportId") ?? ""
        guard SnapshotPosition.isReportIdentifier(reportId, limits: limits) else {
            throw RelayError.badQuery("reportId", "must be a report id (ASCII, at most \(limits.maxIdentifierLength) bytes)")
        }
        let proof = try await store.evidenceProof(of: reportId, for: actor)
        context.logger.info("evidence proof", metadata: ["relay.report": .string(reportId), "relay.entries": .stringConvertible(proof.entries.count)])
        return try ContentEncoding.json(proof, for: request)
    }
}
