import Foundation

/// One step a person takes on a report, with its inputs.
///
/// Actions travel in sync operations, so they are `Codable` with stable snake_case names:
/// `{"type": "forward", "unit": "tp-dien-bien-phu"}`. `Workflow.apply(_:to:by:at:)` checks and performs them.
public enum WorkflowAction: Sendable, Hashable {
    /// Chuyển xử lý: the hub forwards the report to a processing unit (unit code).
    case forward(unit: String)
    /// Không xử lý: the hub rejects an invalid report with a reason for the citizen.
    case reject(reason: String)
    /// Đề nghị bổ sung: the hub asks the citizen for the listed missing items.
    case requestInformation(missing: [String])
    /// Trùng lặp: the hub marks the report as a duplicate of another report (its id).
    case markDuplicate(of: String)
    /// Tiếp nhận xử lý: the unit accepts the report.
    case accept
    /// Chuyển trả: the unit returns the report to the hub, with a reason and optionally the unit it suggests.
    case returnToHub(reason: String, suggestedUnit: String?)
    /// Kiểm tra, xác minh: the officer starts the on-site verification and handling.
    case beginVerification
    /// Thông báo gia hạn: the unit posts the state of the handling and a new expected date; the status stays.
    case postExtension(newExpectedDate: Date, reason: String)
    /// Nhập kết quả: the officer submits the result summary with references to evidence photos or documents.
    case submitResult(summary: String, evidence: [String])
    /// Phê duyệt: the leader approves the submitted result.
    case approve
    /// Sửa và phê duyệt: the leader edits the summary and approves it without sending it back.
    case editAndApprove(summary: String)
    /// Yêu cầu xử lý lại: the leader sends the result back to the officer with a reason.
    case sendBack(reason: String)
    /// Công khai: the hub publishes the approved result (not for confidential reports).
    case publish
    /// Trả lời riêng: the hub sends the approved result to the reporter only.
    case deliverPrivately
    /// Đánh giá: the hub records the citizen's rating.
    case rate(CitizenRating)
    /// Mở lại: the hub reopens the report after the citizen's reply.
    case reopen(reason: String)
    /// Ẩn: the hub hides a violating report with a reason; reports are never deleted.
    case hide(reason: String)
    /// Hiện lại: the hub shows a hidden report again, with a reason.
    case unhide(reason: String)

    /// The kind of the action, without its inputs.
    public var kind: Kind {
        switch self {
        case .forward: .forward
        case .reject: .reject
        case .requestInformation: .requestInformation
        case .markDuplicate: .markDuplicate
        case .accept: .accept
        case .returnToHub: .returnToHub
        case .beginVerification: .beginVerification
        case .postExtension: .postExtension
        case .submitResult: .submitResult
        case .approve: .approve
        case .editAndApprove: .editAndApprove
        case .sendBack: .sendBack
        case .publish: .publish
        case .deliverPrivately: .deliverPrivately
        case .rate: .rate
        case .reopen: .reopen
        case .hide: .hide
        case .unhide: .unhide
        }
    }

    /// The kinds of action; the raw values are the wire names in the `type` key.
    public enum Kind: String, Codable, Sendable, CaseIterable, Hashable {
        case forward
        case reject
        case requestInformation = "request_information"
        case markDuplicate = "mark_duplicate"
        case accept
        case returnToHub = "return_to_hub"
        case beginVerification = "begin_verification"
        case postExtension = "post_extension"
        case submitResult = "submit_result"
        case approve
        case editAndApprove = "edit_and_approve"
        case sendBack = "send_back"
        case publish
        case deliverPrivately = "deliver_privately"
        case rate
        case reopen
        case hide
        case unhide
    }
}
