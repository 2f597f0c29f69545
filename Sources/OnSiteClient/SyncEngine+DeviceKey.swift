import Foundation
import OnSiteSync

extension SyncEngine {
    /// Registers this enrolment's key with the relay if it is not yet (first sync after enrolment, or after an
    /// upgrade from a version without keys); operations are signed from then on.
    ///
    /// A relay without `POST /v1/keys` (older than signatures, 404/405) leaves the device unsigned, as before;
    /// any other failure is thrown like a failed push.
    ///
    /// - Parameter again: register even a key marked registered: a relay restored from a backup older than the
    ///   registration no longer knows it, and would refuse the journal's signed operations (registering a known
    ///   key again is harmless: the relay answers with the stored entry).
    func registerDeviceKey(client: some RelayConnection, again: Bool = false) async throws {
        guard signsOperations, let key = try await replica.currentDeviceKey(), again || key.registeredAt == nil else { return }
        let registration = DeviceKeyRegistration(publicKey: Data(key.privateKey.publicKey.rawRepresentation).base64EncodedString())
        do {
            let registered = try await client.registerKey(registration)
            try await replica.markKeyRegistered(key.keyId, at: registered.registeredAt)
            logger?.info("registered this device's signing key", metadata: ["sync.key": .string(key.keyId)])
        } catch let error as ClientError where error.relayCode == .httpStatus(404) || error.relayCode == .httpStatus(405) || error.relayCode == .methodNotAllowed {
            logger?.notice("the relay does not take device keys; operations go unsigned", metadata: ["sync.key": .string(key.keyId)])
        }
    }
}
