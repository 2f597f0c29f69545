import OnSiteCore

/// The catalogues a supervisor's tables and notices are made with (read from files by the executable).
public struct Catalogue: Sendable {
    /// The rules of a province, by its code.
    public var rules: @Sendable (String) throws -> ProvinceRules
    public var units: @Sendable () throws -> UnitDirectory
    public var categories: @Sendable () throws -> [OnSiteCore.Category]

    public init(rules: @escaping @Sendable (String) throws -> ProvinceRules, units: @escaping @Sendable () throws -> UnitDirectory,
                categories: @escaping @Sendable () throws -> [OnSiteCore.Category]) {
        self.rules = rules
        self.units = units
        self.categories = categories
    }
}
