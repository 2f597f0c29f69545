import Foundation

extension WorkflowAction: Codable {
    private enum CodingKeys: String, CodingKey {
        case type, unit, reason, missing, original
        case suggestedUnit = "suggested_unit"
        case newExpectedDate = "new_expected_date"
        case summary, evidence, rating
    }

    /// Decodes `{"type": "<kind>", …inputs}`; an unknown `type` is a data-corruption error naming the value.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(Kind.self, forKey: .type) {
        case .forward: self = .forward(unit: try c.decode(String.self, forKey: .unit))
        case .reject: self = .reject(reason: try c.decode(String.self, forKey: .reason))
        case .requestInformation: self = .requestInformation(missing: try c.decode([String].self, forKey: .missing))
        case .markDuplicate: self = .markDuplicate(of: try c.decode(String.self, forKey: .original))
        case .accept: self = .accept
        case .returnToHub:
            self = .returnToHub(
                reason: try c.decode(String.self, forKey: .reason),
                suggestedUnit: try c.decodeIfPresent(String.self, forKey: .suggestedUnit))
        case .beginVerification: self = .beginVerification
        case .postExtension:
            self = .postExtension(
                newExpectedDate: try c.decode(Date.self, forKey: .newExpectedDate),
                reason: try c.decode(String.self, forKey: .reason))
        case .submitResult:
            self = .submitResult(
                summary: try c.decode(String.self, forKey: .summary),
                evidence: try c.decode([String].self, forKey: .evidence))
        case .approve: self = .approve
        case .editAndApprove: self = .editAndApprove(summary: try c.decode(String.self, forKey: .summary))
        case .sendBack: self = .sendBack(reason: try c.decode(String.self, forKey: .reason))
        case .publish: self = .publish
        case .deliverPrivately: self = .deliverPrivately
        case .rate: self = .rate(try c.decode(CitizenRating.self, forKey: .rating))
        case .reopen: self = .reopen(reason: try c.decode(String.self, forKey: .reason))
        case .hide: self = .hide(reason: try c.decode(String.self, forKey: .reason))
        case .unhide: self = .unhide(reason: try c.decode(String.self, forKey: .reason))
        }
    }

    /// Encodes `{"type": "<kind>", …inputs}`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .type)
        switch self {
        case .forward(let unit): try c.encode(unit, forKey: .unit)
        case .reject(let reason), .sendBack(let reason), .reopen(let reason), .hide(let reason), .unhide(let reason):
            try c.encode(reason, forKey: .reason)
        case .requestInformation(let missing): try c.encode(missing, forKey: .missing)
        case .markDuplicate(let original): try c.encode(original, forKey: .original)
        case .returnToHub(let reason, let suggestedUnit):
            try c.encode(reason, forKey: .reason)
            try c.encodeIfPresent(suggestedUnit, forKey: .suggestedUnit)
        case .postExtension(let date, let reason):
            try c.encode(date, forKey: .newExpectedDate)
            try c.encode(reason, forKey: .reason)
        case .submitResult(let summary, let evidence):
            try c.encode(summary, forKey: .summary)
            try c.encode(evidence, forKey: .evidence)
        case .editAndApprove(let summary): try c.encode(summary, forKey: .summary)
        case .rate(let rating): try c.encode(rating, forKey: .rating)
        case .accept, .beginVerification, .approve, .publish, .deliverPrivately: break
        }
    }
}
