import Foundation
import OnSiteCore
import OnSiteSync

/// The golden files in `Protocol/vectors/`, shared with the relay's and the client's tests.
enum Vectors {
    /// `Protocol/vectors`, found from this file's path so the tests run from any directory.
    static let root: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent()   // OnSiteSyncTests
        .deletingLastPathComponent()   // Tests
        .deletingLastPathComponent()   // package root
        .appendingPathComponent("Protocol/vectors")

    /// The JSON files of one folder, sorted by name, without `manifest.json`.
    static func files(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? []
        return names.filter { $0.hasSuffix(".json") && $0 != "manifest.json" }.sorted()
    }


    static func data(_ folder: String, _ name: String) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent(folder).appendingPathComponent(name))
    }

    /// `invalid/manifest.json`: what the relay must answer for each file.
    struct InvalidCase: Codable, Sendable {
        /// The error code: `malformed_body` when decoding fails, otherwise the validator's code.
        var code: String
        /// The HTTP status the relay answers with.
        var status: Int
        var why: String
        /// Limits that differ from ``SyncLimits``' defaults for this case.
        var limits: LimitOverrides?
    }

    struct LimitOverrides: Codable, Sendable {
        var maxOperationsPerChangeSet: Int?
        var maxTitleLength: Int?
        var maxTextLength: Int?
        var maxIdentifierLength: Int?

        func applied(to base: SyncLimits) -> SyncLimits {
            var limits = base
            if let maxOperationsPerChangeSet { limits.maxOperationsPerChangeSet = maxOperationsPerChangeSet }
            if let maxTitleLength { limits.maxTitleLength = maxTitleLength }
            if let maxTextLength { limits.maxTextLength = maxTextLength }
            if let maxIdentifierLength { limits.maxIdentifierLength = maxIdentifierLength }
            return limits
        }
    }

    static func invalidManifest() throws -> [String: InvalidCase] {
        try WireCoding.decode([String: InvalidCase].self, from: data("invalid", "manifest.json"))
    }

    /// A file of `merge/`: apply `operations` to `initial` in any order, get `expected`.
    struct MergeCase: Codable, Sendable {
        var description: String
        var initial: ReportRecord
        var operations: [SyncOperation]
        var expected: ReportRecord
    }

    static func mergeCase(_ name: String) throws -> MergeCase {
        try WireCoding.decode(MergeCase.self, from: data("merge", name))
    }
}

/// Every ordering of a small array (Heap's algorithm).
func permutations<T>(_ items: [T]) -> [[T]] {
    var result: [[T]] = []
    var items = items
    func generate(_ n: Int) {
        if n <= 1 { result.append(items); return }
        for i in 0..<n {
            generate(n - 1)
            items.swapAt(n % 2 == 0 ? i : 0, n - 1)
        }
    }
    generate(items.count)
    return result
}
