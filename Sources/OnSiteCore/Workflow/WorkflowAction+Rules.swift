/// Which statuses each kind of action starts from, where it leads, and which roles may take it.
extension WorkflowAction.Kind {
    /// The statuses the action may be taken from; `nil` means any status (hide, unhide).
    public var sourceStatuses: Set<ReportStatus>? {
        switch self {
        case .forward, .reject: [.received, .returnedToHub, .needsInformation, .reopened]
        case .requestInformation: [.received, .returnedToHub, .reopened]
        case .markDuplicate: [.received, .returnedToHub, .needsInformation]
        case .accept: [.forwarded]
        case .returnToHub: [.forwarded, .accepted]
        case .beginVerification: [.accepted, .sentBack]
        case .postExtension: [.forwarded, .accepted, .inProgress, .sentBack]
        case .submitResult: [.inProgress, .sentBack]
        case .approve, .editAndApprove, .sendBack: [.resultSubmitted]
        case .publish, .deliverPrivately: [.approved]
        case .rate: [.published, .deliveredPrivately]
        case .reopen: [.published, .deliveredPrivately, .rated, .rejected, .duplicate]
        case .hide, .unhide: nil
        }
    }

    /// The status the action leads to; `nil` when the status stays (extension, hide, unhide).
    public var targetStatus: ReportStatus? {
        switch self {
        case .forward: .forwarded
        case .reject: .rejected
        case .requestInformation: .needsInformation
        case .markDuplicate: .duplicate
        case .accept: .accepted
        case .returnToHub: .returnedToHub
        case .beginVerification: .inProgress
        case .postExtension, .hide, .unhide: nil
        case .submitResult: .resultSubmitted
        case .approve, .editAndApprove: .approved
        case .sendBack: .sentBack
        case .publish: .published
        case .deliverPrivately: .deliveredPrivately
        case .rate: .rated
        case .reopen: .reopened
        }
    }

    /// The roles that may take the action. Supervisors and administrators only read.
    public var allowedRoles: Set<Role> {
        switch self {
        case .forward, .reject, .requestInformation, .markDuplicate,
            .publish, .deliverPrivately, .rate, .reopen, .hide, .unhide:
            [.hub]
        case .accept, .returnToHub, .beginVerification, .postExtension: [.officer, .leader]
        case .submitResult: [.officer]
        case .approve, .editAndApprove, .sendBack: [.leader]
        }
    }

    /// Whether the kind of action may start from `status` (ignoring the role).
    public func canStart(from status: ReportStatus) -> Bool {
        sourceStatuses?.contains(status) ?? true
    }

    /// The kinds of action `role` may take from `status`, in declaration order.
    public static func allowed(from status: ReportStatus, for role: Role) -> [Self] {
        allCases.filter { $0.canStart(from: status) && $0.allowedRoles.contains(role) }
    }

    /// A short English verb phrase, e.g. "forward", "submit the result".
    public var phrase: String {
        switch self {
        case .forward: "forward"
        case .reject: "reject"
        case .requestInformation: "request information"
        case .markDuplicate: "mark as duplicate"
        case .accept: "accept"
        case .returnToHub: "return to the hub"
        case .beginVerification: "begin verification"
        case .postExtension: "post an extension"
        case .submitResult: "submit the result"
        case .approve: "approve"
        case .editAndApprove: "edit and approve"
        case .sendBack: "send back"
        case .publish: "publish"
        case .deliverPrivately: "deliver privately"
        case .rate: "record the rating"
        case .reopen: "reopen"
        case .hide: "hide"
        case .unhide: "unhide"
        }
    }
}
