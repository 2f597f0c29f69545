import Foundation
import OnSiteCore

/// Limits on what a change set may carry. Checked before anything is stored.
public struct SyncLimits: Codable, Sendable, Hashable {
    public var maxOperationsPerChangeSet: Int = 1_000
    public var maxChangeSetBytes: Int = 4 * 1024 * 1024
    public var maxTitleLength: Int = 500
    public var maxTextLength: Int = 20_000
    public var maxIdentifierLength: Int = 128
    /// The largest evidence file, in bytes.
    public var maxAttachmentBytes: Int64 = 256 * 1024 * 1024
    /// Content types accepted for evidence.
    public var allowedContentTypes: Set<String> = ["image/jpeg"]

    public init() {}

    /// Every key is optional in a configuration file; a missing one keeps its default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = SyncLimits()
        maxOperationsPerChangeSet = try container.decodeIfPresent(Int.self, forKey: .maxOperationsPerChangeSet) ?? defaults.maxOperationsPerChangeSet
        maxChangeSetBytes = try container.decodeIfPresent(Int.self, forKey: .maxChangeSetBytes) ?? defaults.maxChangeSetBytes
        maxTitleLength = try container.decodeIfPresent(Int.self, forKey: .maxTitleLength) ?? defaults.maxTitleLength
        maxTextLength = try container.decodeIfPresent(Int.self, forKey: .maxTextLength) ?? defaults.maxTextLength
        maxIdentifierLength = try container.decodeIfPresent(Int.self, forKey: .maxIdentifierLength) ?? defaults.maxIdentifierLength
        maxAttachmentBytes = try container.decodeIfPresent(Int64.self, forKey: .maxAttachmentBytes) ?? defaults.maxAttachmentBytes
        allowedContentTypes = try container.decodeIfPresent(Set<String>.self, forKey: .allowedContentTypes) ?? defaults.allowedContentTypes
    }
}

/// A change set that breaks the protocol: which operation, what is wrong.
public struct ChangeSetValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable code for the error body (`invalid_change_set`, `too_many_operations`, …).
    public let code: String
    public let message: String

    init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
    public var detail: ErrorDetail { ErrorDetail(code: code, message: message) }
}

/// Checks a change set's shape and values, and returns it with all text in NFC.
public struct ChangeSetValidator: Sendable {
    public var limits: SyncLimits

    public init(limits: SyncLimits = SyncLimits()) {
        self.limits = limits
    }

    /// ``validated(_:)`` as a `Result`, for callers that map the error to their own.
    public func check(_ changeSet: ChangeSet) -> Result<ChangeSet, ChangeSetValidationError> {
        Result { () throws(ChangeSetValidationError) -> ChangeSet in try validated(changeSet) }
    }

    public func validated(_ changeSet: ChangeSet) throws(ChangeSetValidationError) -> ChangeSet {
        guard !changeSet.operations.isEmpty else {
            throw ChangeSetValidationError("empty_change_set", "The change set has no operations; send at least one.")
        }
        guard changeSet.operations.count <= limits.maxOperationsPerChangeSet else {
            throw ChangeSetValidationError("too_many_operations", "The change set has \(changeSet.operations.count) operations; the limit is \(limits.maxOperationsPerChangeSet). Split it.")
        }
        guard changeSet.sequence >= 1, changeSet.baseVersion >= 0 else {
            throw ChangeSetValidationError("invalid_change_set", "`sequence` must be 1 or more and `baseVersion` 0 or more.")
        }
        try checkIdentifier(changeSet.deviceId, name: "deviceId")
        var seen = Set<UUID>()
        var result = changeSet
        for (index, operation) in changeSet.operations.enumerated() {
            guard seen.insert(operation.id).inserted else {
                throw ChangeSetValidationError("invalid_change_set", "operations[\(index)]: operation id \(operation.id) appears twice in the change set.")
            }
            do {
                result.operations[index] = try validated(operation, deviceId: changeSet.deviceId)
            } catch {
                throw ChangeSetValidationError(error.code, "operations[\(index)] (\(operation.change.kind.rawValue) on \(operation.reportId)): \(error.message)")
            }
        }
        return result
    }

    func validated(_ operation: SyncOperation, deviceId: String) throws(ChangeSetValidationError) -> SyncOperation {
        var operation = operation
        try checkIdentifier(operation.reportId, name: "reportId")
        guard operation.stamp.device == deviceId else {
            throw ChangeSetValidationError("invalid_change_set", "the stamp's device `\(operation.stamp.device)` is not the change set's device `\(deviceId)`.")
        }
        guard operation.stamp.wallMillis > 0, operation.stamp.wallMillis < 32_503_680_000_000, operation.stamp.counter < 1 << 31 else {
            throw ChangeSetValidationError("invalid_change_set", "the stamp's time must be positive and before year 3000, and its counter below 2^31.")
        }
        switch operation.change {
        case .createReport(var report):
            guard report.id == operation.reportId else {
                throw ChangeSetValidationError("invalid_change_set", "the report's id `\(report.id)` differs from the operation's reportId.")
            }
            report.title = try text(report.title, name: "title", limit: limits.maxTitleLength, required: true)
            report.description = try text(report.description, name: "description", limit: limits.maxTextLength, required: false)
            report.address = try text(report.address, name: "address", limit: limits.maxTitleLength, required: false)
            report.code = try text(report.code, name: "code", limit: limits.maxIdentifierLength, required: true)
            try checkIdentifier(report.category, name: "category")
            try checkIdentifier(report.area.province, name: "area.province")
            try checkIdentifier(report.area.district, name: "area.district")
            if let location = report.location, !location.isValid {
                throw ChangeSetValidationError("invalid_value", "`location` must have latitude in -90…90 and longitude in -180…180.")
            }
            operation.change = .createReport(report)
        case .setField(let field, var value):
            if case .text(let string) = value {
                let limit = field == .description ? limits.maxTextLength : limits.maxTitleLength
                value = .text(try text(string, name: field.rawValue, limit: limit, required: false))
            }
            if let problem = value.problem(for: field) {
                throw ChangeSetValidationError("invalid_value", problem + ".")
            }
            operation.change = .setField(field, value)
        case .addNote(var note):
            note.text = try text(note.text, name: "note.text", limit: limits.maxTextLength, required: true)
            note.author = try text(note.author, name: "note.author", limit: limits.maxTitleLength, required: true)
            operation.change = .addNote(note)
        case .addVerification(var verification):
            guard verification.reportId == operation.reportId else {
                throw ChangeSetValidationError("invalid_change_set", "the verification's reportId differs from the operation's reportId.")
            }
            if let position = verification.position, !position.isValid {
                throw ChangeSetValidationError("invalid_value", "`verification.position` must have latitude in -90…90 and longitude in -180…180.")
            }
            verification.notes = try text(verification.notes, name: "verification.notes", limit: limits.maxTextLength, required: false)
            verification.officer = try text(verification.officer, name: "verification.officer", limit: limits.maxTitleLength, required: true)
            operation.change = .addVerification(verification)
        case .transition(var transition):
            transition.actor = try text(transition.actor, name: "transition.actor", limit: limits.maxTitleLength, required: true)
            operation.change = .transition(transition)
        case .addEvent(var event):
            guard event.reportId == operation.reportId else {
                throw ChangeSetValidationError("invalid_change_set", "the event's reportId differs from the operation's reportId.")
            }
            event.actor = try text(event.actor, name: "event.actor", limit: limits.maxTitleLength, required: true)
            event.action = try text(event.action, name: "event.action", limit: limits.maxIdentifierLength, required: true)
            event.detail = try text(event.detail, name: "event.detail", limit: limits.maxTextLength, required: false)
            operation.change = .addEvent(event)
        case .addAttachment(var attachment):
            guard attachment.reportId == operation.reportId else {
                throw ChangeSetValidationError("invalid_change_set", "the attachment's reportId differs from the operation's reportId.")
            }
            guard attachment.sha256.count == 64, attachment.sha256.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
                throw ChangeSetValidationError("invalid_value", "`attachment.sha256` must be 64 lowercase hex digits.")
            }
            guard attachment.byteCount > 0, attachment.byteCount <= limits.maxAttachmentBytes else {
                throw ChangeSetValidationError("attachment_too_large", "`attachment.byteCount` must be 1 to \(limits.maxAttachmentBytes) bytes.")
            }
            guard limits.allowedContentTypes.contains(attachment.contentType) else {
                throw ChangeSetValidationError("unsupported_type", "`attachment.contentType` \(attachment.contentType) is not accepted; allowed: \(limits.allowedContentTypes.sorted().joined(separator: ", ")).")
            }
            attachment.fileName = try text(attachment.fileName, name: "attachment.fileName", limit: limits.maxTitleLength, required: true)
            attachment.addedBy = try text(attachment.addedBy, name: "attachment.addedBy", limit: limits.maxTitleLength, required: true)
            operation.change = .addAttachment(attachment)
        case .blobAvailable, .recordConflict, .resolveConflict:
            break
        }
        return operation
    }

    private func text(_ value: String, name: String, limit: Int, required: Bool) throws(ChangeSetValidationError) -> String {
        let normalized = VietnameseText.normalized(value)
        if required, normalized.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ChangeSetValidationError("invalid_value", "`\(name)` cannot be empty.")
        }
        guard normalized.count <= limit else {
            throw ChangeSetValidationError("invalid_value", "`\(name)` has \(normalized.count) characters; the limit is \(limit).")
        }
        return normalized
    }

    private func checkIdentifier(_ value: String, name: String) throws(ChangeSetValidationError) {
        guard !value.isEmpty, value.count <= limits.maxIdentifierLength,
              value.unicodeScalars.allSatisfy({ !CharacterSet.controlCharacters.contains($0) && !CharacterSet.whitespaces.contains($0) })
        else {
            throw ChangeSetValidationError("invalid_value", "`\(name)` must be 1 to \(limits.maxIdentifierLength) characters without spaces or control characters.")
        }
    }
}
