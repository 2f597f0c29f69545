import Foundation
import OnSiteCore

/// A workflow step as a person asks for it: the kind of action and the inputs it may need.
///
/// ``makeAction()`` checks that the kind has what it needs (a reason, a unit, a date…) and builds the
/// ``WorkflowAction``; whether the step is allowed from the report's status and for the device's role is the
/// workflow's to say, when ``FieldClient/act(_:on:)`` records it.
///
/// ```swift
/// var request = WorkflowRequest(.returnToHub)
/// request.reason = "Không thuộc địa bàn"
/// try await client.act(request, on: "DB-2024-00101")
/// ```
public struct WorkflowRequest: Sendable, Hashable {
    public var kind: WorkflowAction.Kind
    /// The processing unit to forward to.
    public var unit: String?
    /// Why (reject, return, extension, send back, reopen, hide, unhide).
    public var reason: String?
    /// A better unit, when returning to the hub.
    public var suggestedUnit: String?
    /// The missing items, when asking for information.
    public var missing: [String] = []
    /// The original report, when marking a duplicate.
    public var duplicateOf: String?
    /// The new expected date, ISO 8601, for an extension notice.
    public var newDate: String?
    /// The result's summary.
    public var summary: String?
    /// Evidence references (photo hashes, documents).
    public var evidence: [String] = []
    public var rating: CitizenRating?

    public init(_ kind: WorkflowAction.Kind) {
        self.kind = kind
    }

    /// The action, with its texts in NFC.
    ///
    /// - Throws: ``ClientError/invalidInput(_:)`` naming the missing input as `onsite act` spells it.
    public func makeAction() throws(ClientError) -> WorkflowAction {
        switch kind {
        case .forward: return .forward(unit: try require(unit, "--unit"))
        case .reject: return .reject(reason: try require(reason, "--reason"))
        case .requestInformation:
            guard !missing.isEmpty else { throw .invalidInput("`request_information` needs at least one --missing item.") }
            return .requestInformation(missing: missing.map(VietnameseText.normalized))
        case .markDuplicate: return .markDuplicate(of: try require(duplicateOf, "--duplicate-of"))
        case .accept: return .accept
        case .returnToHub: return .returnToHub(reason: try require(reason, "--reason"), suggestedUnit: suggestedUnit)
        case .beginVerification: return .beginVerification
        case .postExtension:
            guard let text = newDate, let date = WireDate.parse(text) else {
                throw .invalidInput("`post_extension` needs --new-date as ISO 8601, e.g. 2024-04-30T17:00:00+07:00.")
            }
            return .postExtension(newExpectedDate: date, reason: try require(reason, "--reason"))
        case .submitResult: return .submitResult(summary: try require(summary, "--summary"), evidence: evidence)
        case .approve: return .approve
        case .editAndApprove: return .editAndApprove(summary: try require(summary, "--summary"))
        case .sendBack: return .sendBack(reason: try require(reason, "--reason"))
        case .publish: return .publish
        case .deliverPrivately: return .deliverPrivately
        case .rate:
            guard let rating else { throw .invalidInput("`rate` needs --rating satisfied|acceptable|not_satisfied.") }
            return .rate(rating)
        case .reopen: return .reopen(reason: try require(reason, "--reason"))
        case .hide: return .hide(reason: try require(reason, "--reason"))
        case .unhide: return .unhide(reason: try require(reason, "--reason"))
        }
    }

    private func require(_ value: String?, _ flag: String) throws(ClientError) -> String {
        guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .invalidInput("`\(kind.rawValue)` needs \(flag).")
        }
        return VietnameseText.normalized(value)
    }
}
