/// A step of the handling that has a time limit, and the event it counts from.
///
/// | step | counts from | ends at |
/// |---|---|---|
/// | `reception` | receipt (or the latest return to the hub / reopening) | the hub's first decision |
/// | `forwarding` | the same | the hub's first decision (forward, reject, ask for information, duplicate) |
/// | `handling` | the latest `transition:forwarded` | the submission of the result the leader approved |
/// | `approval` | the latest `transition:result_submitted` | approval or sending back |
/// | `publication` | the latest `transition:approved` | publication or private delivery |
///
/// Thái Nguyên counts receiving, forwarding and handling from these anchors (art. 6–10), Điện Biên counts its
/// 6 working days from the receipt of a valid report by the unit, i.e. the forwarding.
public enum DeadlineStep: String, Sendable, Hashable, Codable, CaseIterable {
    /// Tiếp nhận, kiểm tra.
    case reception
    /// Phân loại, chuyển xử lý (or reply to an invalid or unclear report).
    case forwarding
    /// Xử lý: verification and result, by the unit.
    case handling
    /// Phê duyệt by the unit leader.
    case approval
    /// Biên tập, công khai by the hub.
    case publication

    /// The step a report in `status` is in, or `nil` when no deadline runs (waiting for the citizen, closed).
    public static func current(for status: ReportStatus) -> DeadlineStep? {
        switch status {
        case .received, .returnedToHub, .reopened: .forwarding
        case .forwarded, .accepted, .inProgress, .sentBack: .handling
        case .resultSubmitted: .approval
        case .approved: .publication
        case .rejected, .needsInformation, .duplicate, .published, .deliveredPrivately, .rated: nil
        }
    }

    /// The Vietnamese name of the step.
    public var label: String {
        switch self {
        case .reception: "Tiếp nhận, kiểm tra"
        case .forwarding: "Phân loại, chuyển xử lý"
        case .handling: "Xử lý"
        case .approval: "Phê duyệt"
        case .publication: "Biên tập, công khai"
        }
    }

    /// The English name of the step.
    public var englishLabel: String {
        switch self {
        case .reception: "Reception and check"
        case .forwarding: "Classification and forwarding"
        case .handling: "Handling"
        case .approval: "Approval"
        case .publication: "Editing and publication"
        }
    }

    /// Whether a report now in `status` has started this step at some point (or gone past it).
    ///
    /// The overdue table uses it to count a report whose history lacks the step's starting event (a report
    /// imported already forwarded, say): it reached the step, but when is not known.
    public func isReached(by status: ReportStatus) -> Bool {
        switch self {
        case .reception, .forwarding:
            true
        case .handling:
            ![.received, .rejected, .needsInformation, .duplicate].contains(status)
        case .approval:
            [.resultSubmitted, .sentBack, .approved, .published, .deliveredPrivately, .rated].contains(status)
        case .publication:
            [.approved, .published, .deliveredPrivately, .rated].contains(status)
        }
    }

    /// The status whose transition starts the step; `nil` for the hub's steps, which start at receipt.
    public var anchor: ReportStatus? {
        switch self {
        case .reception, .forwarding: nil
        case .handling: .forwarded
        case .approval: .resultSubmitted
        case .publication: .approved
        }
    }
}
