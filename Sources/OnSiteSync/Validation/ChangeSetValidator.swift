import Foundation
import OnSiteCore

/// A change set that breaks the protocol: which operation, what is wrong.
public struct ChangeSetValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable code for the error body (`invalid_change_set`, `too_many_operations`, …).
    public let code: ErrorCode
    public let message: String

    init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
    public var detail: ErrorDetail { ErrorDetail(code: code, message: message) }
}

/// Checks a change set's shape and values, and returns it with all text in NFC.
///
/// Every value from the wire passes here before the relay does any other work with it: integers are bounded
/// (so arithmetic on them cannot overflow), dates are real and in range (``WireDate``), identifiers are ASCII,
/// texts are bounded in bytes and scalars before they are normalised, lists are bounded. The cost is linear in
/// the body's size.
public struct ChangeSetValidator: Sendable {
    public var limits: SyncLimits

    public init(limits: SyncLimits = SyncLimits()) {
        self.limits = limits
    }

    /// ``validated(_:now:)`` as a `Result`, for callers that map the error to their own.
    public func check(_ changeSet: ChangeSet, now: Date? = nil) -> Result<ChangeSet, ChangeSetValidationError> {
        Result { () throws(ChangeSetValidationError) -> ChangeSet in try validated(changeSet, now: now) }
    }

    /// - Parameter now: the relay's clock; stamps more than `limits.maxStampLeadMillis` past it are refused.
    ///   The client validates its own writes without it (its clock is the one being checked).
    public func validated(_ changeSet: ChangeSet, now: Date? = nil) throws(ChangeSetValidationError) -> ChangeSet {
        guard !changeSet.operations.isEmpty else {
            throw ChangeSetValidationError(.emptyChangeSet, "The change set has no operations; send at least one.")
        }
        guard changeSet.operations.count <= limits.maxOperationsPerChangeSet else {
            throw ChangeSetValidationError(.tooManyOperations, "The change set has \(changeSet.operations.count) operations; the limit is \(limits.maxOperationsPerChangeSet). Split it.")
        }
        guard (1...SyncLimits.maxSequence).contains(changeSet.sequence), (0...SyncLimits.maxSequence).contains(changeSet.baseVersion) else {
            throw ChangeSetValidationError(.invalidChangeSet, "`sequence` must be 1 to 2^53 and `baseVersion` 0 to 2^53.")
        }
        try identifier(changeSet.deviceId, name: "deviceId")
        let stampLimit = now.map { WireDate.millis($0) + limits.maxStampLeadMillis }
        var seen = Set<UUID>()
        var result = changeSet
        for (index, operation) in changeSet.operations.enumerated() {
            guard seen.insert(operation.id).inserted else {
                throw ChangeSetValidationError(.invalidChangeSet, "operations[\(index)]: operation id \(operation.id) appears twice in the change set.")
            }
            do {
                result.operations[index] = try validated(operation, deviceId: changeSet.deviceId, stampLimit: stampLimit)
            } catch {
                throw ChangeSetValidationError(error.code, "operations[\(index)] (\(operation.change.kind.rawValue) on \(operation.reportId.prefix(limits.maxIdentifierLength))): \(error.message)")
            }
        }
        return result
    }

    func validated(_ operation: SyncOperation, deviceId: String, stampLimit: Int64?) throws(ChangeSetValidationError) -> SyncOperation {
        var operation = operation
        try identifier(operation.reportId, name: "reportId")
        try check(operation.stamp, deviceId: deviceId, limit: stampLimit)
        // A malformed signature is a malformed body (the whole change set is refused, as openapi.yaml says); a
        // well-formed one that does not verify refuses only its operation, on the relay (`bad_signature`).
        if let signature = operation.signature, !signature.hasWellFormedKeyId {
            throw ChangeSetValidationError(.invalidChangeSet, "`signature.keyId` must be 32 lowercase hex digits (the id of a key this device registered).")
        }
        switch operation.change {
        case .createReport(let report):
            guard report.id == operation.reportId else {
                throw ChangeSetValidationError(.invalidChangeSet, "the report's id `\(report.id.prefix(limits.maxIdentifierLength))` differs from the operation's reportId.")
            }
            operation.change = .createReport(try validated(report))
        case .setField(let field, var value):
            if case .text(let string) = value {
                switch field {
                case .category, .assignedUnit:
                    try identifier(string, name: field.rawValue)
                case .description:
                    value = .text(try text(string, name: field.rawValue, limit: limits.maxTextLength, required: false))
                default:
                    value = .text(try text(string, name: field.rawValue, limit: limits.maxTitleLength, required: false))
                }
            }
            if let problem = value.problem(for: field) {
                throw ChangeSetValidationError(.invalidValue, problem + ".")
            }
            operation.change = .setField(field, value)
        case .addNote(var note):
            note.text = try text(note.text, name: "note.text", limit: limits.maxTextLength, required: true)
            note.author = try text(note.author, name: "note.author", limit: limits.maxTitleLength, required: true)
            operation.change = .addNote(note)
        case .addVerification(var verification):
            guard verification.reportId == operation.reportId else {
                throw ChangeSetValidationError(.invalidChangeSet, "the verification's reportId differs from the operation's reportId.")
            }
            try position(verification.position, name: "verification.position")
            verification.notes = try text(verification.notes, name: "verification.notes", limit: limits.maxTextLength, required: false)
            verification.officer = try text(verification.officer, name: "verification.officer", limit: limits.maxTitleLength, required: true)
            operation.change = .addVerification(verification)
        case .transition(var transition):
            transition.actor = try text(transition.actor, name: "transition.actor", limit: limits.maxTitleLength, required: true)
            transition.action = try validated(transition.action)
            operation.change = .transition(transition)
        case .addEvent(var event):
            guard event.reportId == operation.reportId else {
                throw ChangeSetValidationError(.invalidChangeSet, "the event's reportId differs from the operation's reportId.")
            }
            event.actor = try text(event.actor, name: "event.actor", limit: limits.maxTitleLength, required: true)
            event.action = try text(event.action, name: "event.action", limit: limits.maxIdentifierLength, required: true)
            event.detail = try text(event.detail, name: "event.detail", limit: limits.maxTextLength, required: false)
            operation.change = .addEvent(event)
        case .addAttachment(var attachment):
            guard attachment.reportId == operation.reportId else {
                throw ChangeSetValidationError(.invalidChangeSet, "the attachment's reportId differs from the operation's reportId.")
            }
            guard UploadProtocol.isBlobHash(attachment.sha256) else {
                throw ChangeSetValidationError(.invalidValue, "`attachment.sha256` must be 64 lowercase ASCII hex digits (0-9, a-f).")
            }
            guard attachment.byteCount > 0, attachment.byteCount <= limits.maxAttachmentBytes else {
                throw ChangeSetValidationError(.attachmentTooLarge, "`attachment.byteCount` must be 1 to \(limits.maxAttachmentBytes) bytes.")
            }
            guard limits.allowedContentTypes.contains(attachment.contentType) else {
                throw ChangeSetValidationError(.unsupportedType, "`attachment.contentType` \(attachment.contentType.prefix(64)) is not accepted; allowed: \(limits.allowedContentTypes.sorted().joined(separator: ", ")).")
            }
            attachment.fileName = try text(attachment.fileName, name: "attachment.fileName", limit: limits.maxTitleLength, required: true)
            attachment.addedBy = try text(attachment.addedBy, name: "attachment.addedBy", limit: limits.maxTitleLength, required: true)
            if var capture = attachment.capture {
                try position(capture.position, name: "attachment.capture.position")
                if let distance = capture.distanceToSite, !(distance.isFinite && distance >= 0 && distance <= 40_100_000) {
                    throw ChangeSetValidationError(.invalidValue, "`attachment.capture.distanceToSite` must be 0 to 40,100,000 metres.")
                }
                if let threshold = capture.farThreshold, !(threshold.isFinite && threshold >= 0 && threshold <= 40_100_000) {
                    throw ChangeSetValidationError(.invalidValue, "`attachment.capture.farThreshold` must be 0 to 40,100,000 metres.")
                }
                capture.warnings = try list(capture.warnings, name: "attachment.capture.warnings") { item, name throws(ChangeSetValidationError) in
                    try identifier(item, name: name)
                    return item
                }
                attachment.capture = capture
            }
            operation.change = .addAttachment(attachment)
        case .blobAvailable(let sha256):
            // Only the relay makes it (refused by OperationCheck), but its content is checked like any other.
            guard UploadProtocol.isBlobHash(sha256) else {
                throw ChangeSetValidationError(.invalidValue, "`sha256` must be 64 lowercase ASCII hex digits (0-9, a-f).")
            }
        case .recordConflict(let conflict):
            // Only the relay makes it (refused by OperationCheck), but its content is checked like any other.
            guard conflict.reportId == operation.reportId else {
                throw ChangeSetValidationError(.invalidChangeSet, "the conflict's reportId differs from the operation's reportId.")
            }
            for (write, name) in [(conflict.kept, "conflict.kept"), (conflict.lost, "conflict.lost")] {
                try identifier(write.deviceId, name: "\(name).deviceId")
                try identifier(write.stamp.device, name: "\(name).stamp.d")
                guard write.stamp.wallMillis > 0, write.stamp.wallMillis < WireDate.endMillis, write.stamp.counter < SyncLimits.counterBound else {
                    throw ChangeSetValidationError(.invalidChangeSet, "`\(name).stamp` must have a positive time before year 3000 and a counter below 2^31.")
                }
                _ = try text(write.deviceName, name: "\(name).deviceName", limit: limits.maxTitleLength, required: false)
                if case .text(let value) = write.value {
                    _ = try text(value, name: "\(name).value", limit: limits.maxTextLength, required: false)
                }
                if case .point(let point) = write.value { try position(point, name: "\(name).value") }
            }
        case .resolveConflict:
            break  // a UUID only
        }
        return operation
    }

    /// Whether `value` may be an identifier or unit code on the wire (see ``WireText/isIdentifier(_:limit:)``);
    /// nil when it may, else the sentence saying what an identifier is.
    public func identifierProblem(_ value: String, name: String) -> String? {
        WireText.isIdentifier(value, limit: limits.maxIdentifierLength) ? nil : WireText.Problem.notIdentifier(limit: limits.maxIdentifierLength).message(for: name)
    }

    // MARK: Parts

    private func check(_ stamp: HybridTimestamp, deviceId: String, limit: Int64?) throws(ChangeSetValidationError) {
        guard stamp.device == deviceId else {
            throw ChangeSetValidationError(.invalidChangeSet, "the stamp's device `\(stamp.device.prefix(limits.maxIdentifierLength))` is not the change set's device `\(deviceId)`.")
        }
        guard stamp.wallMillis > 0, stamp.wallMillis < WireDate.endMillis, stamp.counter < SyncLimits.counterBound else {
            throw ChangeSetValidationError(.invalidChangeSet, "the stamp's time must be positive and before year 3000, and its counter below 2^31.")
        }
        if let limit, stamp.wallMillis > limit {
            throw ChangeSetValidationError(
                .stampInFuture,
                "the stamp's time \(WireDate.format(WireDate.date(millis: stamp.wallMillis))) is more than \(limits.maxStampLeadMillis / 60_000) minutes past the relay's clock (\(WireDate.format(WireDate.date(millis: limit - limits.maxStampLeadMillis)))). Nothing was applied; the client re-stamps its queued changes with the relay's time and sends them again.")
        }
    }

    private func validated(_ report: Report) throws(ChangeSetValidationError) -> Report {
        var report = report
        report.title = try text(report.title, name: "title", limit: limits.maxTitleLength, required: true)
        report.description = try text(report.description, name: "description", limit: limits.maxTextLength, required: false)
        report.address = try text(report.address, name: "address", limit: limits.maxTitleLength, required: false)
        report.code = try text(report.code, name: "code", limit: limits.maxIdentifierLength, required: true)
        try identifier(report.category, name: "category")
        try identifier(report.area.province, name: "area.province")
        try identifier(report.area.district, name: "area.district")
        if let commune = report.area.commune { try identifier(commune, name: "area.commune") }
        if let unit = report.assignedUnit { try identifier(unit, name: "assignedUnit") }
        if let reason = report.hiddenReason {
            report.hiddenReason = try text(reason, name: "hiddenReason", limit: limits.maxTitleLength, required: false)
        }
        report.reporter.name = try report.reporter.name.map { (value) throws(ChangeSetValidationError) in
            try text(value, name: "reporter.name", limit: limits.maxTitleLength, required: false)
        }
        report.reporter.phone = try report.reporter.phone.map { (value) throws(ChangeSetValidationError) in
            try text(value, name: "reporter.phone", limit: limits.maxIdentifierLength, required: false)
        }
        report.reporter.email = try report.reporter.email.map { (value) throws(ChangeSetValidationError) in
            try text(value, name: "reporter.email", limit: limits.maxTitleLength, required: false)
        }
        try position(report.location, name: "location")
        return report
    }

    /// The action with its texts normalised and bounded, its unit codes and report ids checked.
    private func validated(_ action: WorkflowAction) throws(ChangeSetValidationError) -> WorkflowAction {
        let short = limits.maxTitleLength, long = limits.maxTextLength
        switch action {
        case .forward(let unit):
            try identifier(unit, name: "transition.action.unit")
            return action
        case .markDuplicate(let other):
            try identifier(other, name: "transition.action.of")
            return action
        case .returnToHub(let reason, let suggested):
            if let suggested { try identifier(suggested, name: "transition.action.suggestedUnit") }
            return .returnToHub(reason: try text(reason, name: "transition.action.reason", limit: long, required: false), suggestedUnit: suggested)
        case .reject(let reason):
            return .reject(reason: try text(reason, name: "transition.action.reason", limit: long, required: false))
        case .sendBack(let reason):
            return .sendBack(reason: try text(reason, name: "transition.action.reason", limit: long, required: false))
        case .reopen(let reason):
            return .reopen(reason: try text(reason, name: "transition.action.reason", limit: long, required: false))
        case .hide(let reason):
            return .hide(reason: try text(reason, name: "transition.action.reason", limit: short, required: false))
        case .unhide(let reason):
            return .unhide(reason: try text(reason, name: "transition.action.reason", limit: short, required: false))
        case .postExtension(let date, let reason):
            return .postExtension(newExpectedDate: date, reason: try text(reason, name: "transition.action.reason", limit: long, required: false))
        case .requestInformation(let missing):
            return .requestInformation(missing: try list(missing, name: "transition.action.missing") { item, name throws(ChangeSetValidationError) in
                try text(item, name: name, limit: short, required: false)
            })
        case .submitResult(let summary, let evidence):
            return .submitResult(
                summary: try text(summary, name: "transition.action.summary", limit: long, required: false),
                evidence: try list(evidence, name: "transition.action.evidence") { item, name throws(ChangeSetValidationError) in
                    try text(item, name: name, limit: short, required: false)
                })
        case .editAndApprove(let summary):
            return .editAndApprove(summary: try text(summary, name: "transition.action.summary", limit: long, required: false))
        case .accept, .beginVerification, .approve, .publish, .deliverPrivately, .rate:
            return action
        }
    }

    private func list(
        _ items: [String], name: String, _ check: (String, String) throws(ChangeSetValidationError) -> String
    ) throws(ChangeSetValidationError) -> [String] {
        guard items.count <= limits.maxListItems else {
            throw ChangeSetValidationError(.invalidValue, "`\(name)` has \(items.count) entries; the limit is \(limits.maxListItems).")
        }
        var result: [String] = []
        for (index, item) in items.enumerated() { result.append(try check(item, "\(name)[\(index)]")) }
        return result
    }

    private func position(_ point: GeoPoint?, name: String) throws(ChangeSetValidationError) {
        if let point, !point.isValid {
            throw ChangeSetValidationError(.invalidValue, "`\(name)` must have latitude in -90…90 and longitude in -180…180.")
        }
    }

    private func text(_ value: String, name: String, limit: Int, required: Bool) throws(ChangeSetValidationError) -> String {
        do {
            return try WireText.normalized(value, limit: limit, maxCombiningMarks: limits.maxCombiningMarks, required: required)
        } catch {
            throw ChangeSetValidationError(.invalidValue, error.message(for: name))
        }
    }

    private func identifier(_ value: String, name: String) throws(ChangeSetValidationError) {
        guard WireText.isIdentifier(value, limit: limits.maxIdentifierLength) else {
            throw ChangeSetValidationError(.invalidValue, WireText.Problem.notIdentifier(limit: limits.maxIdentifierLength).message(for: name))
        }
    }
}
