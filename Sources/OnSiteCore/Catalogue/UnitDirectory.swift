/// The administrative units used by a deployment, in their official order (the order of the file).
public struct UnitDirectory: Sendable, Hashable {
    /// All units, in order.
    public let units: [AdministrativeUnit]
    private let byCode: [String: Int]

    /// A directory; when a code repeats, the first unit wins.
    public init(_ units: [AdministrativeUnit]) {
        self.units = units
        var index: [String: Int] = [:]
        for (i, unit) in units.enumerated() where index[unit.code] == nil { index[unit.code] = i }
        self.byCode = index
    }

    /// The unit with `code`.
    public func unit(_ code: String) -> AdministrativeUnit? {
        byCode[code].map { units[$0] }
    }

    /// The position of the unit in the official order, for sorting.
    public func position(of code: String) -> Int? { byCode[code] }

    /// The units at `level`, in order, optionally only those under `parent`.
    public func units(at level: AdministrativeLevel, under parent: String? = nil) -> [AdministrativeUnit] {
        units.filter { $0.level == level && (parent == nil || $0.parent == parent) }
    }

    /// The display name of a code, or the code itself when unknown.
    public func name(of code: String) -> String { unit(code)?.name ?? code }
}
