/// A province's time limits per step and per category, as its regulation states them. Data, not code:
/// decoded from `Samples/policies/<province>.json` by `PolicyFile`.
public struct DeadlinePolicy: Sendable, Hashable, Codable {
    /// The limit of one step: a default and per-category overrides (category codes from the catalogue).
    public struct StepRule: Sendable, Hashable, Codable {
        /// The limit when the category has no override; `nil` means only the listed categories have one.
        public var `default`: WorkingDuration?
        /// Overrides by category code.
        public var categories: [String: WorkingDuration]
        /// Where the rule comes from, e.g. "Điều 8, bước 3".
        public var source: String?

        public init(default: WorkingDuration?, categories: [String: WorkingDuration] = [:], source: String? = nil) {
            self.default = `default`
            self.categories = categories
            self.source = source
        }

        private enum CodingKeys: String, CodingKey { case `default`, categories, source }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.default = try c.decodeIfPresent(WorkingDuration.self, forKey: .default)
            self.categories = try c.decodeIfPresent([String: WorkingDuration].self, forKey: .categories) ?? [:]
            self.source = try c.decodeIfPresent(String.self, forKey: .source)
        }
    }

    /// The province's unit code, e.g. `thai-nguyen`.
    public var province: String
    /// The province's name, e.g. "Thái Nguyên".
    public var name: String
    /// The regulation the limits come from.
    public var source: String?
    /// The limits for urgent reports (fire, accidents, crime, safety) on the steps that have a rule;
    /// `nil`: urgent reports have the normal limits.
    public var urgent: UrgentRule?
    /// The rules by step; a step without a rule has no deadline.
    public var steps: [DeadlineStep: StepRule]

    public init(
        province: String, name: String, source: String? = nil, urgent: UrgentRule? = nil,
        steps: [DeadlineStep: StepRule]
    ) {
        self.province = province
        self.name = name
        self.source = source
        self.urgent = urgent
        self.steps = steps
    }

    /// The limit for `step` of a report in `category`, or `nil` when the step has no deadline.
    ///
    /// An urgent report gets the urgent rule's limit for the step when the rule gives one, its normal limit otherwise.
    public func limit(for step: DeadlineStep, category: String, isUrgent: Bool = false) -> WorkingDuration? {
        guard let rule = steps[step], let limit = rule.categories[category] ?? rule.default else { return nil }
        guard isUrgent, let urgentLimit = urgent?.limit(for: step) else { return limit }
        return urgentLimit
    }

    /// The steps this policy gives a deadline to, in the order of the handling.
    public var timedSteps: [DeadlineStep] { DeadlineStep.allCases.filter { steps[$0] != nil } }

    private enum CodingKeys: String, CodingKey { case province, name, source, urgent, steps }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        province = try c.decode(String.self, forKey: .province)
        name = try c.decode(String.self, forKey: .name)
        source = try c.decodeIfPresent(String.self, forKey: .source)
        urgent = try c.decodeIfPresent(UrgentRule.self, forKey: .urgent)
        let raw = try c.decode([String: StepRule].self, forKey: .steps)
        var steps: [DeadlineStep: StepRule] = [:]
        for (key, rule) in raw {
            guard let step = DeadlineStep(rawValue: key) else {
                let known = DeadlineStep.allCases.map(\.rawValue).joined(separator: ", ")
                throw DecodingError.dataCorrupted(.init(
                    codingPath: c.codingPath + [CodingKeys.steps],
                    debugDescription: "unknown step '\(key)'; the steps are: \(known)."))
            }
            steps[step] = rule
        }
        self.steps = steps
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(province, forKey: .province)
        try c.encode(name, forKey: .name)
        try c.encodeIfPresent(source, forKey: .source)
        try c.encodeIfPresent(urgent, forKey: .urgent)
        try c.encode(Dictionary(uniqueKeysWithValues: steps.map { ($0.key.rawValue, $0.value) }), forKey: .steps)
    }
}
