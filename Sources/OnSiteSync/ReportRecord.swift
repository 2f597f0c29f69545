import Foundation
import OnSiteCore

/// A report's merged state, the same on the relay and in every replica that holds it.
///
/// Built by applying operations in any order: scalar fields keep the write with the greatest
/// stamp (last writer wins, ties broken by device id inside the stamp), notes and verifications
/// merge by union. The same operations therefore give the same record, whatever the order.
public struct ReportRecord: Codable, Sendable, Hashable, Identifiable {
    public var report: Report
    /// The stamp of the write each scalar field holds, by ``ReportField`` raw value.
    public var fieldStamps: [String: HybridTimestamp]
    /// Notes, ordered by time then id.
    public var notes: [Note]
    /// Verifications, ordered by visit time then id.
    public var verifications: [Verification]
    /// The report's history (transitions, extensions, imported steps), ordered by time then id.
    public var events: [Event]
    /// Evidence files, ordered by time then id.
    public var attachments: [Attachment]
    /// Hashes of the attachments whose bytes the relay holds; the others are pending.
    public var availableBlobs: Set<String>
    /// Concurrent writes to a field, with the losing value kept.
    public var conflicts: [FieldConflict]
    /// Conflicts someone closed.
    public var resolvedConflicts: Set<UUID>

    public var id: String { report.id }

    /// A record created by a `create_report` operation.
    public init(created report: Report, stamp: HybridTimestamp) {
        self.report = report
        self.fieldStamps = Dictionary(uniqueKeysWithValues: ReportField.allCases.map { ($0.rawValue, stamp) })
        self.notes = []
        self.verifications = []
        self.events = []
        self.attachments = []
        self.availableBlobs = []
        self.conflicts = []
        self.resolvedConflicts = []
    }

    /// Conflicts nobody resolved yet.
    public var openConflicts: [FieldConflict] { conflicts.filter { !resolvedConflicts.contains($0.id) } }

    private enum CodingKeys: String, CodingKey {
        case report, fieldStamps, notes, verifications, events, attachments, availableBlobs, conflicts, resolvedConflicts
    }

    /// Lists missing from older stored records decode as empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        report = try container.decode(Report.self, forKey: .report)
        fieldStamps = try container.decode([String: HybridTimestamp].self, forKey: .fieldStamps)
        notes = try container.decodeIfPresent([Note].self, forKey: .notes) ?? []
        verifications = try container.decodeIfPresent([Verification].self, forKey: .verifications) ?? []
        events = try container.decodeIfPresent([Event].self, forKey: .events) ?? []
        attachments = try container.decodeIfPresent([Attachment].self, forKey: .attachments) ?? []
        availableBlobs = try container.decodeIfPresent(Set<String>.self, forKey: .availableBlobs) ?? []
        conflicts = try container.decodeIfPresent([FieldConflict].self, forKey: .conflicts) ?? []
        resolvedConflicts = try container.decodeIfPresent(Set<UUID>.self, forKey: .resolvedConflicts) ?? []
    }

    /// Sets are written sorted, so equal records encode to equal bytes in every process (`Protocol/evidence.md`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(report, forKey: .report)
        try container.encode(fieldStamps, forKey: .fieldStamps)
        try container.encode(notes, forKey: .notes)
        try container.encode(verifications, forKey: .verifications)
        try container.encode(events, forKey: .events)
        try container.encode(attachments, forKey: .attachments)
        try container.encode(availableBlobs.sorted(), forKey: .availableBlobs)
        try container.encode(conflicts, forKey: .conflicts)
        try container.encode(resolvedConflicts.map(\.uuidString).sorted(), forKey: .resolvedConflicts)
    }

    /// Whether an attachment's bytes are still on their way to the relay.
    public func isPending(_ attachment: Attachment) -> Bool { !availableBlobs.contains(attachment.sha256) }

    /// What applying an operation did.
    public enum MergeOutcome: String, Sendable, Hashable {
        /// The record changed.
        case applied
        /// The operation lost to a later write (or was already in), the record is unchanged.
        case superseded
    }

    /// Merges one operation into the record. Idempotent and commutative with every other operation.
    ///
    /// The caller checks the operation first (see ``OperationCheck``).
    @discardableResult
    public mutating func apply(_ operation: SyncOperation) -> MergeOutcome {
        switch operation.change {
        case .createReport(let incoming):
            var changed = false
            for field in ReportField.allCases {
                changed = merge(field, field.value(in: incoming), stamp: operation.stamp) || changed
            }
            return changed ? .applied : .superseded
        case .setField(let field, let value):
            return merge(field, value, stamp: operation.stamp) ? .applied : .superseded
        case .addNote(let note):
            guard !notes.contains(where: { $0.id == note.id }) else { return .superseded }
            notes.append(note)
            notes.sort { ($0.at, $0.id.uuidString) < ($1.at, $1.id.uuidString) }
            return .applied
        case .addVerification(let verification):
            guard !verifications.contains(where: { $0.id == verification.id }) else { return .superseded }
            verifications.append(verification)
            verifications.sort { ($0.visitedAt, $0.id.uuidString) < ($1.visitedAt, $1.id.uuidString) }
            return .applied
        case .addEvent(let event):
            return append(event) ? .applied : .superseded
        case .addAttachment(let attachment):
            guard !attachments.contains(where: { $0.id == attachment.id }) else { return .superseded }
            attachments.append(attachment)
            attachments.sort { ($0.addedAt, $0.id.uuidString) < ($1.addedAt, $1.id.uuidString) }
            return .applied
        case .blobAvailable(let sha256):
            return availableBlobs.insert(sha256).inserted ? .applied : .superseded
        case .recordConflict(let conflict):
            guard !conflicts.contains(where: { $0.id == conflict.id }) else { return .superseded }
            conflicts.append(conflict)
            conflicts.sort { ($0.kept.stamp, $0.lost.stamp, $0.id.uuidString) < ($1.kept.stamp, $1.lost.stamp, $1.id.uuidString) }
            return .applied
        case .resolveConflict(let id):
            return resolvedConflicts.insert(id).inserted ? .applied : .superseded
        case .transition(let transition):
            // Replayed in log order everywhere; a step that no longer fits is a no-op.
            guard report.status == transition.expected, !events.contains(where: { $0.id == operation.id }),
                  case .success(let step) = transition.step(from: report, eventID: operation.id)
            else { return .superseded }
            let before = report
            report = step.report
            // Fields a step sets (assignment, hiding) merge like any write to them: last writer wins by stamp.
            for field in transition.action.kind.writtenFields {
                if let held = fieldStamps[field.rawValue], held >= operation.stamp {
                    field.assign(field.value(in: before), to: &report)
                } else {
                    fieldStamps[field.rawValue] = operation.stamp
                }
            }
            append(step.event)
            return .applied
        }
    }

    @discardableResult
    private mutating func append(_ event: Event) -> Bool {
        guard !events.contains(where: { $0.id == event.id }) else { return false }
        events.append(event)
        events.sort { ($0.at, $0.id.uuidString) < ($1.at, $1.id.uuidString) }
        return true
    }

    private mutating func merge(_ field: ReportField, _ value: FieldValue, stamp: HybridTimestamp) -> Bool {
        if let held = fieldStamps[field.rawValue], held >= stamp { return false }
        fieldStamps[field.rawValue] = stamp
        field.assign(value, to: &report)
        return true
    }
}

extension WorkflowAction.Kind {
    /// The scalar fields a step writes besides the status; they merge by stamp like a `set_field`.
    public var writtenFields: [ReportField] {
        switch self {
        case .forward, .returnToHub: [.assignedUnit]
        case .hide, .unhide: [.hiddenReason]
        default: []
        }
    }
}
