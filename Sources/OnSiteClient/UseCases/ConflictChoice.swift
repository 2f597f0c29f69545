/// Which value a conflict's resolution keeps.
public enum ConflictChoice: Sendable, Hashable {
    /// The value this device wrote.
    case mine
    /// The value the other device wrote.
    case theirs
    /// A value typed by the person, read as the field takes it.
    case value(String)

    /// `mine`, `theirs`, or anything else as the value to set.
    public init(_ text: String) {
        switch text {
        case "mine": self = .mine
        case "theirs": self = .theirs
        default: self = .value(text)
        }
    }
}
