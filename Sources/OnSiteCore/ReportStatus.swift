/// Where a report stands in its life, as the source documents name the steps.
///
/// The raw values are the wire and database spelling; never rename one.
/// The transitions between statuses, and who may make them, live in the workflow state machine.
public enum ReportStatus: String, Codable, Sendable, CaseIterable, Hashable {
    /// Tiếp nhận: received at the hub, not yet classified.
    case received
    /// Chuyển xử lý: forwarded to a processing unit.
    case forwarded
    /// Không xử lý: rejected by the hub with a stated reason.
    case rejected
    /// Đề nghị bổ sung: the hub asked the reporter for missing information.
    case needsInformation = "needs_information"
    /// Trùng lặp: marked as a duplicate of another report.
    case duplicate
    /// Tiếp nhận xử lý: the unit accepted the report.
    case accepted
    /// Chuyển trả: the unit returned the report to the hub, suggesting another unit.
    case returnedToHub = "returned_to_hub"
    /// Đang xử lý: on-site verification and handling under way.
    case inProgress = "in_progress"
    /// Đã nhập kết quả: the result was submitted with evidence, awaiting the leader.
    case resultSubmitted = "result_submitted"
    /// Yêu cầu xử lý lại: the leader sent the result back for rework.
    case sentBack = "sent_back"
    /// Đã phê duyệt: the leader approved the result.
    case approved
    /// Công khai: the hub published the result.
    case published
    /// Trả lời riêng: the result went to the reporter only (confidential report).
    case deliveredPrivately = "delivered_privately"
    /// Đã đánh giá: the citizen rated the result.
    case rated
    /// Mở lại: the hub reopened the report after the citizen's reply.
    case reopened
}
