import Foundation
import OnSiteCore

/// A stored operation as the relay serves it to a role: its stored bytes, unless the role may not read all of
/// it (a `create_report` whose reporter is redacted: ``Redaction``), and the key id of its signature.
///
/// Only a `create_report` can need redaction, so every other operation is served as stored, read no further than
/// ``StoredOperationPeek`` walks it.
public struct ServedOperation: Sendable, Hashable {
    /// The operation's JSON for the role.
    public var bytes: Data
    /// The key that signed it, when signed.
    public var keyId: String?

    /// - Throws: ``WireDecodingError`` when the stored bytes are not an operation.
    public init(stored: Data, for role: Role) throws {
        if let peek = StoredOperationPeek.peek(stored), let kind = peek.kind,
           kind != Change.Kind.createReport.rawValue || Redaction.readsEveryReporter(role) {
            bytes = stored
            keyId = peek.keyId
            return
        }
        let operation = try WireCoding.decode(SyncOperation.self, from: stored)
        let redacted = Redaction.redacted(operation, for: role)
        bytes = redacted == operation ? stored : try WireCoding.encode(redacted)
        keyId = operation.signature?.keyId
    }
}
