import Foundation
import OnSiteSync

/// A relay that can say who it is (`GET /v1/me`): the sync engine compares its id, epoch and newest version with
/// what the replica recorded, to notice a relay that lost history (see ``RelayRecovery``).
public protocol RelayIdentifying: RelayConnection {
    func profile(counters: inout WireCounters) async throws -> DeviceProfile
}

extension RelayClient: RelayIdentifying {}

/// What a sync did on finding that the relay lost history: a restore from a backup (new epoch), another relay store
/// (new id), or a relay whose newest version is behind this replica's cursor (a copy put back by hand).
///
/// The device sent its sent journal again (the relay answers `duplicate` for what it has), queued the photos it
/// sent within the retention (the uploader asks the relay before sending any byte), and pulls its scope afresh.
public struct RelayRecovery: Sendable, Hashable {
    public enum Cause: Sendable, Hashable {
        /// The same relay store in a later epoch: it was restored from a backup.
        case restored(was: RelayIdentity, now: RelayIdentity)
        /// Another relay store answers at this address.
        case otherStore(was: RelayIdentity, now: RelayIdentity)
        /// The relay's newest version is behind this replica's cursor: it lost versions this device had pulled.
        case behindCursor(serverVersion: Int64, cursor: Int64)
    }

    public var cause: Cause
    public var changeSetsResent = 0
    public var operationsResent = 0
    /// Operations the relay did not have and took again (applied or superseded): what the restore had lost.
    public var operationsRecovered = 0
    /// Operations the relay refused on re-delivery (the state moved meanwhile): their reasons are in the log.
    public var operationsRefused = 0
    public var photosRequeued = 0

    public init(cause: Cause) {
        self.cause = cause
    }

    /// Whether the relay lost history: a changed id or epoch, or a newest version behind the cursor.
    /// Nil when nothing says so (or nothing was recorded yet and the version is not behind).
    public static func detect(recorded: RelayIdentity?, current: RelayIdentity?, serverVersion: Int64, cursor: Int64) -> Cause? {
        if let recorded, let current {
            if recorded.relayId != current.relayId { return .otherStore(was: recorded, now: current) }
            if recorded.epoch != current.epoch { return .restored(was: recorded, now: current) }
        }
        if serverVersion < cursor { return .behindCursor(serverVersion: serverVersion, cursor: cursor) }
        return nil
    }

    /// One plain sentence for the officer: what happened and what was sent again.
    public var sentence: String {
        let what = switch cause {
        case .restored(let was, let now):
            "The relay was restored from a backup (epoch \(was.epoch) → \(now.epoch)) and had lost recent changes."
        case .otherStore:
            "Another relay database now answers at this address; it may lack changes this device sent."
        case .behindCursor(let version, let cursor):
            "The relay is at version \(version), behind the version \(cursor) this device had received: it lost recent changes."
        }
        let days = Int(Replica.sentJournalRetention / 86_400)
        return what + " This device sent again the \(operationsResent) change(s) it sent in the last \(days) days"
            + " (\(operationsRecovered) were missing and are back on the relay"
            + (operationsRefused > 0 ? ", \(operationsRefused) refused now" : "") + ")"
            + (photosRequeued > 0 ? ", checks its \(photosRequeued) photo(s) there" : "")
            + ", and fetched its reports afresh."
    }
}

extension SyncEngine {
    /// Asks the relay who it is and, when it lost history (``RelayRecovery/detect(recorded:current:serverVersion:cursor:)``),
    /// delivers the sent journal again before anything new is pushed, so sequence numbers reach the relay in order.
    /// Relays that cannot say who they are (in-process test relays) are not asked.
    func checkRelayIdentity(client: some RelayConnection, into report: inout SyncReport) async throws {
        guard let identifying = client as? any RelayIdentifying else { return }
        let profile = try await identifying.profile(counters: &report.push)
        let recorded = try await replica.relayIdentity()
        let cursor = try await replica.cursor()
        guard let cause = RelayRecovery.detect(recorded: recorded, current: profile.relay, serverVersion: profile.serverVersion, cursor: cursor) else {
            if recorded == nil, let current = profile.relay { try await replica.recordRelayIdentity(current) }
            return
        }
        var recovery = RelayRecovery(cause: cause)
        // The restored relay may predate this device's key: register it before the journal's signed operations.
        try await registerDeviceKey(client: client, again: true)
        for changeSet in try await replica.sentJournal() {
            let result: PushResult
            do {
                result = try await client.push(changeSet, pending: 0, counters: &report.push)
            } catch let error as ClientError where error.relayCode == .sequenceReused || error.relayCode == .changeSetConflict {
                // The relay holds another change set under this number or id: this one cannot go again.
                recovery.operationsRefused += changeSet.operationCount
                logger?.warning("a journaled change set could not be delivered again", metadata: [
                    "sync.changeSet": .string(changeSet.id.uuidString), "sync.reason": .string(error.description),
                ])
                continue
            }
            recovery.changeSetsResent += 1
            recovery.operationsResent += changeSet.operationCount
            // A replayed answer is the stored one of the first delivery: the relay kept that change set.
            guard !result.replayed else { continue }
            recovery.operationsRecovered += result.results.filter { $0.outcome == .applied || $0.outcome == .superseded }.count
            recovery.operationsRefused += result.rejected.count
        }
        recovery.photosRequeued = try await replica.finishRelayRecovery(identity: profile.relay)
        report.relayRecovery = recovery
        logger?.notice("the relay lost history; the sent journal was delivered again", metadata: [
            "sync.cause": .string("\(cause)"), "sync.changeSets": .stringConvertible(recovery.changeSetsResent),
            "sync.recovered": .stringConvertible(recovery.operationsRecovered), "sync.photos": .stringConvertible(recovery.photosRequeued),
        ])
    }
}
