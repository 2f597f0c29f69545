import ArgumentParser
import Foundation
import OnSiteClient
import OnSiteCore
import OnSiteSync

struct Act: AsyncParsableCommand, ReplicaCommand {
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
        var request = WorkflowRequest(action)
        request.unit = unit
        request.reason = reason
        request.suggestedUnit = suggestedUnit
        request.missing = missing
        request.duplicateOf = duplicateOf
        request.newDate = newDate
        request.summary = summary
        request.evidence = evidence
        request.rating = rating
        let step = try await replica.open().act(request, on: report)
        print("\(step.reportCode): \(step.from.label) → \(step.to.label); it syncs with the next `onsite sync`.")
    }
}

struct Notice: AsyncParsableCommand, ReplicaCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the result notice (Thái Nguyên, appendix II) or the request for more information (Điện Biên) of a report.")
    @OptionGroup var replica: ReplicaOptions
    @Argument(help: "The report's id or code.") var report: String
    @Flag(help: "The request for more information instead of the result notice.") var information = false
    @Option(help: "The processing unit's name on the result notice (default: the assigned unit's name).") var unitName: String?
    @OptionGroup var data: SampleDataOptions

    func run() async throws {
        let client = try replica.open()
        if information {
            print(try await client.informationRequest(for: report).text)
        } else {
            print(try await client.resultNotice(for: report, unitName: unitName, units: try? data.units()).text)
        }
    }
}

extension WorkflowAction.Kind: ExpressibleByArgument {}
extension CitizenRating: ExpressibleByArgument {}
