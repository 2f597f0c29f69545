import Foundation

/// The catalogue built into the binaries: the units, categories, province policies and holiday calendars of
/// `Samples/`, so that `onsite` works from any folder, offline, with no file to install.
///
/// Embedded as generated Swift (`BuiltInCatalogue+Files.swift`, written by `Scripts/embed-catalogue.py`) rather
/// than as SwiftPM resources, because a resource bundle is a folder beside the executable that a copied binary
/// leaves behind, and rather than stored in the replica at enrolment, because the relay does not serve the
/// catalogue yet. A deployment with its own files passes `--samples DIR` (or `$ONSITE_SAMPLES`), which wins.
///
/// ```swift
/// let rules = try BuiltInCatalogue.rules(province: "dien-bien")
/// ```
public enum BuiltInCatalogue {
    /// The path the built-in files are named by in errors, e.g. `(built in)/policies/dien-bien.json`.
    static let origin = "(built in)/"

    /// The provinces with a built-in policy.
    public static var provinces: [String] {
        files.keys.filter { $0.hasPrefix("policies/") }
            .map { String($0.dropFirst("policies/".count).dropLast(".json".count)) }.sorted()
    }

    /// The administrative units, checked.
    /// - Throws: `DataFileError` (only if the embedded file is wrong: the tests decode it).
    public static func units() throws(DataFileError) -> UnitDirectory {
        try SampleData.checkedUnits(
            SampleData.decode([AdministrativeUnit].self, from: data("units.json"), fileName: origin + "units.json"),
            fileName: origin + "units.json")
    }

    /// The report categories.
    /// - Throws: `DataFileError`.
    public static func categories() throws(DataFileError) -> [Category] {
        try SampleData.decode([Category].self, from: data("categories.json"), fileName: origin + "categories.json")
    }

    /// The deadline policy and working calendar of `province`.
    /// - Throws: `DataFileError` naming the provinces that have a built-in policy when `province` has none.
    public static func rules(province: String) throws(DataFileError) -> ProvinceRules {
        let name = "policies/\(province).json"
        guard files[name] != nil else {
            throw .unreadable(
                file: origin + name,
                reason: "no built-in policy for the province \"\(province)\" (built in: \(provinces.joined(separator: ", "))); "
                    + "pass --samples DIR with policies/\(province).json")
        }
        var failure: DataFileError?
        let rules = try PolicyFile.decodeProvince(data(name), fileName: origin + name) { calendar in
            let file = "calendars/\(calendar).json"
            guard files[file] != nil else { return nil }
            do throws(DataFileError) {
                return try PolicyFile.decodeHolidays(data(file), fileName: origin + file)
            } catch {
                failure = error
                return nil
            }
        }
        if let failure { throw failure }
        return rules
    }

    /// The bytes of a built-in file, by its path under `Samples/`; empty when there is none.
    public static func data(_ path: String) -> Data { Data((files[path] ?? "").utf8) }

    /// The paths of the built-in files.
    public static var paths: [String] { files.keys.sorted() }
}
