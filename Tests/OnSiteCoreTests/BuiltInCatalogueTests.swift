import Foundation
import Testing

@testable import OnSiteCore

@Suite("The catalogue built into the binaries")
struct BuiltInCatalogueTests {
    @Test func itIsTheSamplesFilesText() throws {
        // Fails after a change to Samples/ until `python3 Scripts/embed-catalogue.py` is run.
        for path in BuiltInCatalogue.paths {
            let file = try String(contentsOf: Fixtures.samples.appending(path: path), encoding: .utf8)
            let text = file.hasSuffix("\n") ? String(file.dropLast()) : file
            #expect(String(decoding: BuiltInCatalogue.data(path), as: UTF8.self) == text, "\(path)")
        }
        let policies = try FileManager.default.contentsOfDirectory(atPath: Fixtures.samples.appending(path: "policies").path)
        #expect(BuiltInCatalogue.provinces == policies.map { String($0.dropLast(".json".count)) }.sorted())
    }

    @Test func itDecodesAsTheFilesDo() throws {
        #expect(try BuiltInCatalogue.units() == SampleData.loadUnits(from: Fixtures.samples.appending(path: "units.json")))
        #expect(try BuiltInCatalogue.categories() == SampleData.loadCategories(from: Fixtures.samples.appending(path: "categories.json")))
        for province in ["dien-bien", "thai-nguyen", "da-lat"] {
            #expect(try BuiltInCatalogue.rules(province: province).policy == Fixtures.rules(province).policy)
        }
        #expect(throws: DataFileError.self) { try BuiltInCatalogue.rules(province: "ha-noi") }
    }
}
