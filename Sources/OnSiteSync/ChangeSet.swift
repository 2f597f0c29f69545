import Foundation

/// A batch of operations from one device, pushed as one request.
///
/// The id is the idempotency key: pushing the same change set again returns the stored result
/// and applies nothing twice. A device freezes a change set before its first send and resends
/// it byte for byte until it is acknowledged.
public struct ChangeSet: Codable, Sendable, Hashable, Identifiable {
    public var id: UUID
    public var deviceId: String
    /// Increases by one with each new change set of the device.
    public var sequence: Int64
    /// The server version the device had pulled when it made the change set.
    public var baseVersion: Int64
    public var operations: [SyncOperation]

    public init(id: UUID = UUID(), deviceId: String, sequence: Int64, baseVersion: Int64, operations: [SyncOperation]) {
        self.id = id
        self.deviceId = deviceId
        self.sequence = sequence
        self.baseVersion = baseVersion
        self.operations = operations
    }

    enum CodingKeys: String, CodingKey {
        case id = "changeSetId"
        case deviceId, sequence, baseVersion, operations
    }
}
