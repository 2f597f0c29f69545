import OnSiteCore

/// The catalogues a supervisor's tables and notices are made with: the ones built into the binary, or files.
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

    /// The catalogue built into the binary (``OnSiteCore/BuiltInCatalogue``): works from any folder.
    public static var builtIn: Catalogue {
        Catalogue(
            rules: { try BuiltInCatalogue.rules(province: $0) }, units: { try BuiltInCatalogue.units() },
            categories: { try BuiltInCatalogue.categories() })
    }
}
