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
        var code: ErrorCode
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
        var maxAttachmentBytes: Int64?
        var allowedContentTypes: Set<String>?

        func applied(to base: SyncLimits) -> SyncLimits {
            var limits = base
            if let maxOperationsPerChangeSet { limits.maxOperationsPerChangeSet = maxOperationsPerChangeSet }
            if let maxTitleLength { limits.maxTitleLength = maxTitleLength }
            if let maxTextLength { limits.maxTextLength = maxTextLength }
            if let maxIdentifierLength { limits.maxIdentifierLength = maxIdentifierLength }
            if let maxAttachmentBytes { limits.maxAttachmentBytes = maxAttachmentBytes }
            if let allowedContentTypes { limits.allowedContentTypes = allowedContentTypes }
            return limits
        }
    }

    static func invalidManifest() throws -> [String: InvalidCase] {
        try WireCoding.decode([String: InvalidCase].self, from: data("invalid", "manifest.json"))
    }

    /// A file of `merge/`: apply `operations` to `initial` in any order, get `expected`.
    ///
    /// With `logOrder`, the operations are listed in log order and the transitions among them must be applied
    /// in that order (every replica replays them as the log has them); the other operations may come anywhere.
    struct MergeCase: Codable, Sendable {
        var description: String
        var initial: ReportRecord
        var operations: [SyncOperation]
        var expected: ReportRecord
        var logOrder: Bool?

        /// The orders in which a replica may apply the operations.
        var orders: [[SyncOperation]] {
            let all = permutations(operations)
            guard logOrder == true else { return all }
            let transitions = operations.filter { $0.change.kind == .transition }.map(\.id)
            return all.filter { $0.filter { $0.change.kind == .transition }.map(\.id) == transitions }
        }
    }

    static func mergeCase(_ name: String) throws -> MergeCase {
        try WireCoding.decode(MergeCase.self, from: data("merge", name))
    }

    /// A file of `refused/`: what ``OperationCheck`` answers for one operation by one device on one record.
    struct RefusedCase: Codable, Sendable {
        struct ActorSpec: Codable, Sendable {
            var deviceId: String
            var role: Role
            var units: Set<String>
            var actor: Actor { Actor(deviceId: deviceId, role: role, units: units) }
        }
        var description: String
        var actor: ActorSpec
        /// The relay's record of the report; nil when the relay does not have it.
        var record: ReportRecord?
        var operation: SyncOperation
        /// The refusal code, or nil when the operation is allowed.
        var code: ErrorCode?
        /// Fragments the refusal's message must contain (the sentence the client shows).
        var messageIncludes: [String]?
        /// The report was in the device's scope at the change set's base version (absent: false).
        var wasInScope: Bool?
    }

    static func refusedCase(_ name: String) throws -> RefusedCase {
        try WireCoding.decode(RefusedCase.self, from: data("refused", name))
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
