/// A report category (lĩnh vực) of the catalogue, e.g. `an-toan-giao-thong` "An toàn giao thông".
public struct Category: Sendable, Hashable, Codable, Identifiable {
    /// A stable slug code, the value of `Report.category`.
    public var code: String
    /// The Vietnamese name.
    public var name: String

    public var id: String { code }

    public init(code: String, name: String) {
        self.code = code
        self.name = name
    }
}
