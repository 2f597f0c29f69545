import Foundation
import OnSiteSync

extension RelaySyncStorage where Self: RelayBlobReferenceStorage {
    /// Takes a pushed change set as it came off the wire: decodes it, checks it belongs to the device and
    /// obeys the protocol, then pushes it durably. The route and in-process tests share this path.
    ///
    /// - Throws: ``RelayError`` for a malformed body, a foreign device id or an invalid change set;
    ///   nothing is stored then.
    public func accept(_ body: Data, from actor: Actor, limits: SyncLimits, now: Date = Date()) async throws -> (ChangeSet, PushResult) {
        let changeSet: ChangeSet
        do {
            changeSet = try WireCoding.decode(ChangeSet.self, from: body)
        } catch {
            throw RelayError.invalidBody(error)
        }
        guard changeSet.deviceId == actor.deviceId else {
            throw RelayError.wrongDevice(claimed: changeSet.deviceId, actual: actor.deviceId)
        }
        let valid: ChangeSet
        switch ChangeSetValidator(limits: limits).check(changeSet, now: now) {
        case .success(let checked): valid = checked
        case .failure(let error): throw RelayError.invalid(error)
        }
        let result = try await push(valid, from: actor, limits: limits, at: now)
        try await appendBlobAvailable(forAttachmentsIn: valid, result: result)
        return (valid, result)
    }
}
