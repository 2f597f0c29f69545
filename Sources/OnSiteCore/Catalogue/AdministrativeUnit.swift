/// The levels of Vietnamese administration.
public enum AdministrativeLevel: String, Sendable, Hashable, Codable, CaseIterable {
    /// Tỉnh.
    case province
    /// Huyện, thị xã, thành phố thuộc tỉnh.
    case district
    /// Xã, phường, thị trấn.
    case commune
}

/// A province, district or commune, with the code reports and policies refer to.
public struct AdministrativeUnit: Sendable, Hashable, Codable, Identifiable {
    /// A stable slug code, e.g. `tp-dien-bien-phu`.
    public var code: String
    /// The official name, e.g. "Thành phố Điện Biên Phủ".
    public var name: String
    public var level: AdministrativeLevel
    /// The code of the enclosing unit; `nil` for a province.
    public var parent: String?

    public var id: String { code }

    public init(code: String, name: String, level: AdministrativeLevel, parent: String? = nil) {
        self.code = code
        self.name = name
        self.level = level
        self.parent = parent
    }
}
