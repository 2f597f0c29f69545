/// Everything needed to compute a province's deadlines: its policy and its working calendar.
public struct ProvinceRules: Sendable {
    /// The time limits per step and category.
    public var policy: DeadlinePolicy
    /// The working time they count in.
    public var calendar: WorkingCalendar

    public init(policy: DeadlinePolicy, calendar: WorkingCalendar) {
        self.policy = policy
        self.calendar = calendar
    }

    /// An evaluator for reports of this province.
    public var evaluator: DeadlineEvaluator { DeadlineEvaluator(policy: policy, calendar: calendar) }
}
