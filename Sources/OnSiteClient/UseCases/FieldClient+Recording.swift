import Foundation
import OnSiteCore
import OnSiteSync

/// Work recorded on this device: stamped, applied to the local state and queued, in one transaction each.
/// All of it works offline and syncs with the next ``FieldClient/sync(_:progress:)``.
extension FieldClient {
    /// Adds a note (in NFC) signed with this device's name.
    ///
    /// - Throws: ``ClientError`` when not enrolled, the report is unknown, or the note is not allowed.
    @discardableResult
    public func addNote(_ text: String, to report: String) async throws -> Note {
        let enrolment = try await enrolment()
        let id = try await replica.report(report).record.id
        let note = Note(author: enrolment.profile.name, at: now(), text: VietnameseText.normalized(text))
        try await replica.record(.addNote(note), on: id)
        return note
    }

    /// Sets a field from its value as a person types it (see ``OnSiteSync/FieldValue/parse(_:for:)``).
    ///
    /// - Throws: ``ClientError`` when the value does not fit the field, or the change is not allowed.
    @discardableResult
    public func setField(_ field: ReportField, to text: String, on report: String) async throws -> FieldValue {
        let id = try await replica.report(report).record.id
        let value = try FieldValue.parse(text, for: field)
        try await replica.record(.setField(field, value), on: id)
        return value
    }

    /// Records an on-site verification with its photos: the photos are copied into the blob store and checked
    /// against the report (warnings, never a refusal), and the verification, its attachments and their upload
    /// rows are queued together.
    public func verify(_ report: String, _ request: VerificationRequest) async throws -> RecordedVerification {
        let position = try request.position()
        let visitedAt = try request.visitTime()
        let enrolment = try await enrolment()
        let record = try await replica.report(report).record
        let verification = Verification(
            reportId: record.id, officer: enrolment.profile.name, visitedAt: WireDate.rounded(visitedAt ?? replica.clock()),
            position: position, finding: request.finding, notes: VietnameseText.normalized(request.notes))
        let prepared = try request.photos.map {
            try replica.preparePhoto(at: $0, for: record.report, addedBy: enrolment.profile.name, verificationId: verification.id,
                                     now: replica.clock(), checker: photoChecker)
        }
        let attachments = prepared.map(\.attachment)
        // The photos' import markers go once the commit is over, whichever way it went (see BlobStore+Intents).
        defer { replica.blobs.clearImportIntents(attachments.map(\.sha256)) }
        do {
            try await replica.record([(.addVerification(verification), record.id)] + attachments.map { (.addAttachment($0), record.id) },
                                     queueingPhotosOf: attachments, now: replica.clock())
        } catch {
            await replica.removeUnreferencedBlobs(attachments.map(\.sha256))
            throw error
        }
        return RecordedVerification(verification: verification, photos: prepared)
    }

    /// Attaches photos to a report (of a result, say), optionally to one of its verifications.
    ///
    /// - Throws: ``ClientError/invalidInput(_:)`` when no photo is given, or a file is not a whole JPEG.
    public func attach(photos: [String], to report: String, verification: UUID? = nil) async throws -> [PreparedPhoto] {
        guard !photos.isEmpty else { throw ClientError.invalidInput("Give at least one --photo FILE.") }
        let enrolment = try await enrolment()
        let record = try await replica.report(report).record
        let prepared = try photos.map {
            try replica.preparePhoto(at: $0, for: record.report, addedBy: enrolment.profile.name, verificationId: verification,
                                     now: replica.clock(), checker: photoChecker)
        }
        let attachments = prepared.map(\.attachment)
        defer { replica.blobs.clearImportIntents(attachments.map(\.sha256)) }
        do {
            try await replica.record(attachments.map { (.addAttachment($0), record.id) }, queueingPhotosOf: attachments, now: replica.clock())
        } catch {
            // The photos were copied into blobs/ before the commit: a failed commit must not leave them there.
            await replica.removeUnreferencedBlobs(attachments.map(\.sha256))
            throw error
        }
        return prepared
    }

    /// Takes a workflow step on a report, as this device's role, from the status this replica shows. The relay
    /// has the last word: a report that moved meanwhile refuses the step with its current state.
    ///
    /// - Throws: ``ClientError`` when an input is missing or the workflow does not allow the step.
    public func act(_ request: WorkflowRequest, on report: String) async throws -> TakenStep {
        let action = try request.makeAction()
        let enrolment = try await enrolment()
        let record = try await replica.report(report).record
        let transition = Transition(
            action: action, expected: record.report.status, role: enrolment.profile.role,
            actor: enrolment.profile.name, at: now())
        try await replica.record(.transition(transition), on: record.id)
        let after = try await replica.report(report).record.report.status
        return TakenStep(reportCode: record.report.code, from: record.report.status, to: after)
    }

    /// Queues the reports of a JSON file (and their history events) for creation, all or none (hub devices).
    ///
    /// - Returns: how many reports and events were queued.
    /// - Throws: ``ClientError/invalidInput(_:)`` naming the file and key that could not be read; nothing is queued.
    public func importReports(from file: URL, events: URL? = nil) async throws -> (reports: Int, events: Int) {
        let reports: [Report]
        var changes: [(Change, String)]
        do {
            reports = try SampleData.loadReports(from: file)
            changes = reports.map { (Change.createReport($0), $0.id) }
            if let events {
                changes += try SampleData.loadEvents(from: events).map { (Change.addEvent($0), $0.reportId) }
            }
        } catch {
            throw ClientError.invalidInput("\(error) Nothing was imported.")
        }
        try await replica.record(changes)
        return (reports.count, changes.count - reports.count)
    }
}
