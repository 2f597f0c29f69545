extension ReportStatus {
    /// The Vietnamese name of the status, as the source documents call the step.
    public var label: String {
        switch self {
        case .received: "Tiếp nhận"
        case .forwarded: "Chuyển xử lý"
        case .rejected: "Không xử lý"
        case .needsInformation: "Đề nghị bổ sung"
        case .duplicate: "Trùng lặp"
        case .accepted: "Tiếp nhận xử lý"
        case .returnedToHub: "Chuyển trả"
        case .inProgress: "Đang xử lý"
        case .resultSubmitted: "Đã nhập kết quả"
        case .sentBack: "Yêu cầu xử lý lại"
        case .approved: "Đã phê duyệt"
        case .published: "Công khai"
        case .deliveredPrivately: "Trả lời riêng"
        case .rated: "Đã đánh giá"
        case .reopened: "Mở lại"
        }
    }
}
