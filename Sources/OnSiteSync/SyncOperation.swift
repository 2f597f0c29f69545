import Foundation
import OnSiteCore

/// One change to one report, made on one device. The unit of sync, merge and idempotency.
public struct SyncOperation: Codable, Sendable, Hashable, Identifiable {
    /// Unique across all devices; the relay applies an operation id at most once.
    public var id: UUID
    public var reportId: String
    /// The hybrid logical clock stamp that orders this write against others to the same field.
    public var stamp: HybridTimestamp
    public var change: Change
    /// The device's signature of the operation (`Protocol/evidence.md`); absent from devices without a key.
    public var signature: OperationSignature?

    public init(id: UUID = UUID(), reportId: String, stamp: HybridTimestamp, change: Change, signature: OperationSignature? = nil) {
        self.id = id
        self.reportId = reportId
        self.stamp = stamp
        self.change = change
        self.signature = signature
    }
}

/// What an operation does. On the wire: an object with a `kind` and the kind's own keys.
///
/// ```json
/// {"kind": "set_field", "field": "address", "value": "Tổ 5, phường Him Lam"}
/// {"kind": "add_note", "note": {"id": "…", "author": "…", "at": "…", "text": "…"}}
/// ```
public enum Change: Codable, Sendable, Hashable {
    /// A new report from the hub (or a re-import: each field then merges like a `set_field`).
    case createReport(Report)
    /// A scalar field; last writer wins by stamp.
    case setField(ReportField, FieldValue)
    /// A note; append-only.
    case addNote(Note)
    /// An on-site verification; append-only.
    case addVerification(Verification)
    /// A workflow step; authoritative on the relay (see ``Transition``).
    case transition(Transition)
    /// A history line imported by the hub (the trace of steps taken elsewhere); append-only.
    case addEvent(Event)
    /// An evidence file's record (its bytes travel separately, by hash); append-only.
    case addAttachment(Attachment)
    /// Appended by the relay itself when it holds the whole, verified blob: attachments with this hash
    /// stop being pending for everyone who pulls it.
    case blobAvailable(sha256: String)
    /// Appended by the relay after a write that raced another one to the same field (see ``FieldConflict``).
    case recordConflict(FieldConflict)
    /// Closes a conflict; the chosen value travels as an ordinary `set_field` in the same change set.
    case resolveConflict(id: UUID)

    /// The stable wire name of the change's kind.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case createReport = "create_report"
        case setField = "set_field"
        case addNote = "add_note"
        case addVerification = "add_verification"
        case transition
        case addEvent = "add_event"
        case addAttachment = "add_attachment"
        case blobAvailable = "blob_available"
        case recordConflict = "record_conflict"
        case resolveConflict = "resolve_conflict"
    }

    public var kind: Kind {
        switch self {
        case .createReport: .createReport
        case .setField: .setField
        case .addNote: .addNote
        case .addVerification: .addVerification
        case .transition: .transition
        case .addEvent: .addEvent
        case .addAttachment: .addAttachment
        case .blobAvailable: .blobAvailable
        case .recordConflict: .recordConflict
        case .resolveConflict: .resolveConflict
        }
    }

    private enum CodingKeys: String, CodingKey {
        case kind, report, field, value, note, verification, transition, event, attachment, sha256, conflict, conflictId
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(Kind.self, forKey: .kind) {
        case .createReport:
            self = .createReport(try container.decode(Report.self, forKey: .report))
        case .setField:
            let field = try container.decode(ReportField.self, forKey: .field)
            let value = try container.decodeIfPresent(FieldValue.self, forKey: .value) ?? .null
            self = .setField(field, value)
        case .addNote:
            self = .addNote(try container.decode(Note.self, forKey: .note))
        case .addVerification:
            self = .addVerification(try container.decode(Verification.self, forKey: .verification))
        case .transition:
            self = .transition(try container.decode(Transition.self, forKey: .transition))
        case .addEvent:
            self = .addEvent(try container.decode(Event.self, forKey: .event))
        case .addAttachment:
            self = .addAttachment(try container.decode(Attachment.self, forKey: .attachment))
        case .blobAvailable:
            self = .blobAvailable(sha256: try container.decode(String.self, forKey: .sha256))
        case .recordConflict:
            self = .recordConflict(try container.decode(FieldConflict.self, forKey: .conflict))
        case .resolveConflict:
            self = .resolveConflict(id: try container.decode(UUID.self, forKey: .conflictId))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        switch self {
        case .createReport(let report): try container.encode(report, forKey: .report)
        case .setField(let field, let value):
            try container.encode(field, forKey: .field)
            try container.encode(value, forKey: .value)
        case .addNote(let note): try container.encode(note, forKey: .note)
        case .addVerification(let verification): try container.encode(verification, forKey: .verification)
        case .transition(let transition): try container.encode(transition, forKey: .transition)
        case .addEvent(let event): try container.encode(event, forKey: .event)
        case .addAttachment(let attachment): try container.encode(attachment, forKey: .attachment)
        case .blobAvailable(let sha256): try container.encode(sha256, forKey: .sha256)
        case .recordConflict(let conflict): try container.encode(conflict, forKey: .conflict)
        case .resolveConflict(let id): try container.encode(id, forKey: .conflictId)
        }
    }
}
