/// Which relay store answers, and in which epoch: the answer's part of `GET /v1/me` that lets a device notice a
/// relay that lost history (see `Protocol/sync.md`, "Relay identity and restores").
///
/// `relayId` is made once, when the store is created, and travels with its backups. `epoch` starts at 1 and is
/// raised by every `onsite-relay restore`, so a restored relay is a new epoch even once its version numbers have
/// overtaken the ones devices saw before the restore.
public struct RelayIdentity: Codable, Sendable, Hashable, CustomStringConvertible {
    public var relayId: String
    public var epoch: Int64

    public init(relayId: String, epoch: Int64) {
        self.relayId = relayId
        self.epoch = epoch
    }

    public var description: String { "\(relayId) epoch \(epoch)" }
}
