/// How a province times urgent reports (fire, accidents, crime, safety), as its policy file states it.
///
/// Thái Nguyên (art. 6–10) asks for urgent reports to be received, forwarded, handled, approved and published
/// "ngay" (at once) without giving a number; a limit of zero would make every urgent report overdue however fast
/// it was handled, so the policy file gives the limits it means, usually in clock hours (`{"hours": 2}`: urgent
/// reports do not wait for office hours). In a policy file:
///
/// ```json
/// "urgent": { "default": { "hours": 2 }, "steps": { "handling": { "hours": 24 } }, "source": "Điều 6–10: …" }
/// ```
///
/// A bare duration (`"urgent": {"hours": 2}`) applies to every timed step. Without `urgent`, urgent reports have the
/// same limits as the others. `"immediate"` means due at the step's start: only a step completed at that very
/// instant is in time. Urgency never gives a deadline to a step the policy does not time.
public struct UrgentRule: Sendable, Hashable, Codable {
    /// The limit for every timed step without its own entry; `nil`: the step's normal limit.
    public var `default`: WorkingDuration?
    /// Limits by step.
    public var steps: [DeadlineStep: WorkingDuration]
    /// Where the rule comes from and what it assumes.
    public var source: String?

    public init(default: WorkingDuration?, steps: [DeadlineStep: WorkingDuration] = [:], source: String? = nil) {
        self.default = `default`
        self.steps = steps
        self.source = source
    }

    /// The urgent limit of `step`, or `nil` when urgency does not change it.
    public func limit(for step: DeadlineStep) -> WorkingDuration? { steps[step] ?? self.default }

    private enum CodingKeys: String, CodingKey { case `default`, steps, source }

    public init(from decoder: any Decoder) throws {
        if let duration = try? WorkingDuration(from: decoder) {
            self.init(default: duration)
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let raw = try c.decodeIfPresent([String: WorkingDuration].self, forKey: .steps) ?? [:]
        var steps: [DeadlineStep: WorkingDuration] = [:]
        for (key, limit) in raw {
            guard let step = DeadlineStep(rawValue: key) else {
                let known = DeadlineStep.allCases.map(\.rawValue).joined(separator: ", ")
                throw DecodingError.dataCorrupted(.init(
                    codingPath: c.codingPath + [CodingKeys.steps],
                    debugDescription: "unknown step '\(key)'; the steps are: \(known)."))
            }
            steps[step] = limit
        }
        self.init(
            default: try c.decodeIfPresent(WorkingDuration.self, forKey: .default), steps: steps,
            source: try c.decodeIfPresent(String.self, forKey: .source))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(self.default, forKey: .default)
        if !steps.isEmpty {
            try c.encode(Dictionary(uniqueKeysWithValues: steps.map { ($0.key.rawValue, $0.value) }), forKey: .steps)
        }
        try c.encodeIfPresent(source, forKey: .source)
    }
}
