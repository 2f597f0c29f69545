/// Who a device acts for. Each route and operation is checked against the role and the device's units.
public enum Role: String, Codable, Sendable, CaseIterable, Hashable {
    /// Cán bộ xử lý: verifies on site, records findings and evidence, submits the result.
    case officer
    /// Lãnh đạo đơn vị: approves a result or sends it back for rework.
    case leader
    /// Người xử lý tại IOC: receives, classifies, forwards, publishes, rejects.
    case hub
    /// Lãnh đạo / tổ điều hành IOC: reads the merged state of a district or the province.
    case supervisor
    /// Technical administrator of the relay.
    case admin

    /// The Vietnamese name of the role.
    public var label: String {
        switch self {
        case .officer: "Cán bộ xử lý"
        case .leader: "Lãnh đạo đơn vị"
        case .hub: "Người xử lý tại IOC"
        case .supervisor: "Lãnh đạo / tổ điều hành IOC"
        case .admin: "Quản trị hệ thống"
        }
    }
}
