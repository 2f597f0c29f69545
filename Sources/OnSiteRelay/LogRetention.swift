import Foundation

/// How long the relay keeps log entries before folding them into the records (`"log"` in the configuration).
///
/// An entry is compacted once it is older than **both** bounds: more than ``retainDays`` days since its change
/// set arrived, and more than ``retainVersions`` versions behind the newest. A device whose cursor falls behind
/// what is kept receives a snapshot of its scope on its next pull (see `Protocol/sync.md`, "Log retention").
public struct LogRetention: Codable, Sendable, Hashable {
    /// Days of log kept; nil keeps every entry by age (then only ``retainVersions`` can compact).
    public var retainDays: Double? = 90
    /// Newest versions kept; nil keeps every entry by count.
    public var retainVersions: Int64? = 200_000
    /// Minutes between two compaction passes while the relay runs (one also runs at start-up).
    public var compactEveryMinutes: Double = 60

    public init(retainDays: Double? = 90, retainVersions: Int64? = 200_000, compactEveryMinutes: Double = 60) {
        self.retainDays = retainDays
        self.retainVersions = retainVersions
        self.compactEveryMinutes = compactEveryMinutes
    }

    /// Keeps every entry: nothing is ever compacted.
    public static let keepEverything = LogRetention(retainDays: nil, retainVersions: nil)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = LogRetention()
        retainDays = try container.decodeIfPresent(Double.self, forKey: .retainDays) ?? defaults.retainDays
        retainVersions = try container.decodeIfPresent(Int64.self, forKey: .retainVersions) ?? defaults.retainVersions
        compactEveryMinutes = try container.decodeIfPresent(Double.self, forKey: .compactEveryMinutes) ?? defaults.compactEveryMinutes
    }

    /// What is wrong with the values, as a sentence naming the key; nil when they can be used.
    public var problem: String? {
        if let days = retainDays, !(days.isFinite && (0...36_500).contains(days)) {
            return "`log.retainDays` must be 0 to 36500 days, or null to keep entries of any age, not \(days)"
        }
        if let versions = retainVersions, !(0...(Int64(1) << 53)).contains(versions) {
            return "`log.retainVersions` must be 0 to 2^53, or null to keep any number of entries, not \(versions)"
        }
        guard compactEveryMinutes.isFinite, (0.1...10_080).contains(compactEveryMinutes) else {
            return "`log.compactEveryMinutes` must be 0.1 to 10080 minutes (a week), not \(compactEveryMinutes)"
        }
        return nil
    }

    /// Whether some bound can ever compact an entry.
    public var compacts: Bool { retainDays != nil || retainVersions != nil }
}
