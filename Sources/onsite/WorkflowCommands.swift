import ArgumentParser
import Foundation
import OnSiteClient
import OnSiteCore
import OnSiteSync

struct Act: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Take a workflow step on a report (works offline; the relay decides if the report moved meanwhile).",
        discussion: """
            Actions: forward --unit, reject --reason, request_information --missing…, mark_duplicate --duplicate-of, \
            accept, return_to_hub --reason [--suggested-unit], begin_verification, post_extension --new-date --reason, \
            submit_result --summary [--evidence…], approve, edit_and_approve --summary, send_back --reason, publish, \
            deliver_privately, rate --rating, reopen --reason, hide --reason, unhide --reason.
            """)
    @OptionGroup var replica: ReplicaOptions
    @Argument(help: "The report's id or code.") var report: String
    @Argument(help: "The action (see below).") var action: WorkflowAction.Kind
    @Option(help: "The processing unit to forward to.") var unit: String?
    @Option(help: "Why (reject, return, extension, send back, reopen, hide).") var reason: String?
    @Option(help: "A better unit, when returning to the hub.") var suggestedUnit: String?
    @Option(help: "A missing item, when asking for information (repeat).") var missing: [String] = []
    @Option(help: "The original report, when marking a duplicate.") var duplicateOf: String?
    @Option(help: "The new expected date (ISO 8601), for an extension notice.") var newDate: String?
    @Option(help: "The result's summary.") var summary: String?
    @Option(help: "An evidence reference (photo hash, document), repeat.") var evidence: [String] = []
    @Option(help: "satisfied, acceptable or not_satisfied.") var rating: CitizenRating?

    func run() async throws {
        try await reportingErrors {
            let store = try replica.open()
            guard let enrolment = try await store.enrolment() else { throw ClientError.notEnrolled }
            let view = try await store.report(report)
            let transition = Transition(
                action: try makeAction(), expected: view.record.report.status, role: enrolment.profile.role,
                actor: enrolment.profile.name, at: WireDate.rounded(Date()))
            try await store.record(.transition(transition), on: view.record.id)
            let after = try await store.report(report).record.report.status
            print("\(view.record.report.code): \(view.record.report.status.label) → \(after.label); it syncs with the next `onsite sync`.")
        }
    }

    private func require(_ value: String?, _ flag: String) throws -> String {
        guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("`\(action.rawValue)` needs \(flag).")
        }
        return VietnameseText.normalized(value)
    }

    private func makeAction() throws -> WorkflowAction {
        switch action {
        case .forward: return .forward(unit: try require(unit, "--unit"))
        case .reject: return .reject(reason: try require(reason, "--reason"))
        case .requestInformation:
            guard !missing.isEmpty else { throw ValidationError("`request_information` needs at least one --missing item.") }
            return .requestInformation(missing: missing.map(VietnameseText.normalized))
        case .markDuplicate: return .markDuplicate(of: try require(duplicateOf, "--duplicate-of"))
        case .accept: return .accept
        case .returnToHub: return .returnToHub(reason: try require(reason, "--reason"), suggestedUnit: suggestedUnit)
        case .beginVerification: return .beginVerification
        case .postExtension:
            guard let text = newDate, let date = WireDate.parse(text) else {
                throw ValidationError("`post_extension` needs --new-date as ISO 8601, e.g. 2024-04-30T17:00:00+07:00.")
            }
            return .postExtension(newExpectedDate: date, reason: try require(reason, "--reason"))
        case .submitResult: return .submitResult(summary: try require(summary, "--summary"), evidence: evidence)
        case .approve: return .approve
        case .editAndApprove: return .editAndApprove(summary: try require(summary, "--summary"))
        case .sendBack: return .sendBack(reason: try require(reason, "--reason"))
        case .publish: return .publish
        case .deliverPrivately: return .deliverPrivately
        case .rate:
            guard let rating else { throw ValidationError("`rate` needs --rating satisfied|acceptable|not_satisfied.") }
            return .rate(rating)
        case .reopen: return .reopen(reason: try require(reason, "--reason"))
        case .hide: return .hide(reason: try require(reason, "--reason"))
        case .unhide: return .unhide(reason: try require(reason, "--reason"))
        }
    }
}

struct Notice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the result notice (Thái Nguyên, appendix II) or the request for more information (Điện Biên) of a report.")
    @OptionGroup var replica: ReplicaOptions
    @Argument(help: "The report's id or code.") var report: String
    @Flag(help: "The request for more information instead of the result notice.") var information = false
    @Option(help: "The processing unit's name on the result notice (default: the assigned unit's name).") var unitName: String?
    @OptionGroup var data: SampleDataOptions

    func run() async throws {
        try await reportingErrors {
            let record = try await replica.open().report(report).record
            if information {
                let missing = InformationRequest.missingItems(in: record.events)
                guard !missing.isEmpty else {
                    throw ClientError.invalidInput("\(record.report.code) has no request for information in its history (`onsite act \(record.report.code) request_information --missing …`).")
                }
                print(InformationRequest(report: record.report, missing: missing).text)
            } else {
                guard let summary = ResultNotice.approvedSummary(in: record.events) else {
                    throw ClientError.invalidInput("\(record.report.code) has no approved result yet; the notice is made from the approved summary.")
                }
                let units = try? data.units()
                let name = unitName ?? record.report.assignedUnit.map { units?.name(of: $0) ?? $0 } ?? "Cơ quan xử lý"
                print(ResultNotice(report: record.report, unitName: name, summary: summary).text)
            }
        }
    }
}

extension WorkflowAction.Kind: ExpressibleByArgument {}
extension CitizenRating: ExpressibleByArgument {}
