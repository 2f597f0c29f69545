/// The citizen's rating of a result (Thái Nguyên art. 11: Hài lòng, Chấp nhận được, Không hài lòng).
///
/// The raw values are the wire spelling; never rename one.
public enum CitizenRating: String, Codable, Sendable, CaseIterable, Hashable {
    /// Hài lòng.
    case satisfied
    /// Chấp nhận được.
    case acceptable
    /// Không hài lòng.
    case notSatisfied = "not_satisfied"

    /// The Vietnamese label shown to citizens and supervisors.
    public var label: String {
        switch self {
        case .satisfied: "Hài lòng"
        case .acceptable: "Chấp nhận được"
        case .notSatisfied: "Không hài lòng"
        }
    }
}
