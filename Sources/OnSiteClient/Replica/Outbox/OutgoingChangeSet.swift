import Foundation

/// A change set frozen for sending: the same bytes are resent until the relay acknowledges them.
public struct OutgoingChangeSet: Sendable {
    public var id: UUID
    public var body: Data
    public var operationCount: Int

    public init(id: UUID, body: Data, operationCount: Int) {
        self.id = id
        self.body = body
        self.operationCount = operationCount
    }
}
