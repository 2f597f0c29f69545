import Foundation

/// Decoding of the catalogue and sample files in `Samples/` (pure given `Data`), and small file loaders.
///
/// Reports and events use `JSONEncoder`'s default keys with ISO 8601 dates.
/// ```swift
/// let categories = try SampleData.loadCategories(from: samples.appending(path: "categories.json"))
/// ```
public enum SampleData {
    /// The decoder for every sample file: ISO 8601 dates, with or without milliseconds or an offset,
    /// as the wire reads them (``WireDate``).
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom(WireDate.decode)
        return decoder
    }

    /// The encoder that writes sample files: ISO 8601 dates, sorted keys, pretty printed.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Decodes `T` from `data`; errors name the file and the key.
    /// - Throws: `DataFileError`.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, fileName: String) throws(DataFileError) -> T {
        do {
            return try makeDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw .decoding(error, file: fileName)
        } catch {
            throw .invalid(file: fileName, keyPath: "", problem: "\(error)")
        }
    }

    /// Reads and decodes a file.
    /// - Throws: `DataFileError` when the file cannot be read or decoded.
    public static func load<T: Decodable>(_ type: T.Type, from url: URL) throws(DataFileError) -> T {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(file: url.path, reason: error.localizedDescription)
        }
        return try decode(type, from: data, fileName: url.lastPathComponent)
    }

    /// The categories of `categories.json`, checked for empty or repeated codes.
    /// - Throws: `DataFileError`.
    public static func loadCategories(from url: URL) throws(DataFileError) -> [Category] {
        let categories = try load([Category].self, from: url)
        var seen = Set<String>()
        for (i, category) in categories.enumerated() where category.code.isEmpty || !seen.insert(category.code).inserted {
            throw .invalid(
                file: url.lastPathComponent, keyPath: "[\(i)].code",
                problem: "the code \"\(category.code)\" is empty or repeated; give each category its own code.")
        }
        return categories
    }

    /// The units of `units.json`, checked: unique codes, parents listed before their children.
    /// - Throws: `DataFileError`.
    public static func loadUnits(from url: URL) throws(DataFileError) -> UnitDirectory {
        try checkedUnits(load([AdministrativeUnit].self, from: url), fileName: url.lastPathComponent)
    }

    /// Checks decoded units: unique codes, parents listed before their children.
    /// - Throws: `DataFileError`.
    public static func checkedUnits(_ units: [AdministrativeUnit], fileName: String) throws(DataFileError) -> UnitDirectory {
        var seen = Set<String>()
        for (i, unit) in units.enumerated() {
            guard seen.insert(unit.code).inserted else {
                throw .invalid(file: fileName, keyPath: "[\(i)].code", problem: "the code \"\(unit.code)\" is repeated.")
            }
            if let parent = unit.parent, !seen.contains(parent) {
                throw .invalid(
                    file: fileName, keyPath: "[\(i)].parent",
                    problem: "the parent \"\(parent)\" is not listed before \"\(unit.code)\"; list it first.")
            }
        }
        return UnitDirectory(units)
    }

    /// Reports in the `Report` JSON shape.
    /// - Throws: `DataFileError`.
    public static func loadReports(from url: URL) throws(DataFileError) -> [Report] {
        try load([Report].self, from: url)
    }

    /// Events in the `Event` JSON shape.
    /// - Throws: `DataFileError`.
    public static func loadEvents(from url: URL) throws(DataFileError) -> [Event] {
        try load([Event].self, from: url)
    }
}
