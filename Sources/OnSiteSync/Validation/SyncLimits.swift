import Foundation

/// Limits on what a change set may carry and what the relay keeps and serves. Checked before anything is
/// stored; every one is listed in `Protocol/sync.md` ("Limits and hostile input") with its error code.
public struct SyncLimits: Codable, Sendable, Hashable {
    public var maxOperationsPerChangeSet: Int = 1_000
    public var maxChangeSetBytes: Int = 4 * 1024 * 1024
    /// Short texts (title, address, names, reasons), in Unicode scalars after NFC.
    public var maxTitleLength: Int = 500
    /// Long texts (description, notes, findings, summaries), in Unicode scalars after NFC.
    public var maxTextLength: Int = 20_000
    /// Identifiers (report, device, unit and category codes), in ASCII characters.
    public var maxIdentifierLength: Int = 128
    /// The most combining marks that may follow one base character (Unicode's stream-safe bound is 30;
    /// Vietnamese needs 2). Longer runs make normalisation quadratic, so they are refused before it.
    public var maxCombiningMarks: Int = 30
    /// Entries of a list inside an operation (`request_information.missing`, `submit_result.evidence`,
    /// `capture.warnings`).
    public var maxListItems: Int = 50
    /// The largest evidence file, in bytes.
    public var maxAttachmentBytes: Int64 = 256 * 1024 * 1024
    /// Content types accepted for evidence.
    public var allowedContentTypes: Set<String> = ["image/jpeg"]
    /// How far past the relay's clock a stamp may be, in milliseconds. Devices steer their clocks by the
    /// relay's time, so an honest stamp is at most a clock drift ahead; a stamp further out would win every
    /// later write to its field.
    public var maxStampLeadMillis: Int64 = 60 * 60 * 1000
    /// The largest merged report (its encoded record), in bytes: notes, history, evidence records and
    /// conflicts stop growing it past this (`record_too_large`).
    public var maxRecordBytes: Int = 2 * 1024 * 1024
    /// The most bytes of log entries and snapshots in one pull page (a page always carries at least one).
    public var maxPageBytes: Int = 4 * 1024 * 1024

    /// The largest `sequence` and `baseVersion` a change set may carry: 2^53, the largest integer every JSON
    /// reader holds exactly, far beyond any device's life. Keeps `sequence + 1` and version arithmetic exact.
    public static let maxSequence: Int64 = 1 << 53
    /// Stamps' counters stay below 2^31, so a device can always tick past any stamp it observes.
    public static let counterBound: UInt32 = 1 << 31

    public init() {}

    /// Every key is optional in a configuration file; a missing one keeps its default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = SyncLimits()
        func value<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
            try container.decodeIfPresent(T.self, forKey: key) ?? fallback
        }
        maxOperationsPerChangeSet = try value(.maxOperationsPerChangeSet, defaults.maxOperationsPerChangeSet)
        maxChangeSetBytes = try value(.maxChangeSetBytes, defaults.maxChangeSetBytes)
        maxTitleLength = try value(.maxTitleLength, defaults.maxTitleLength)
        maxTextLength = try value(.maxTextLength, defaults.maxTextLength)
        maxIdentifierLength = try value(.maxIdentifierLength, defaults.maxIdentifierLength)
        maxCombiningMarks = try value(.maxCombiningMarks, defaults.maxCombiningMarks)
        maxListItems = try value(.maxListItems, defaults.maxListItems)
        maxAttachmentBytes = try value(.maxAttachmentBytes, defaults.maxAttachmentBytes)
        allowedContentTypes = try value(.allowedContentTypes, defaults.allowedContentTypes)
        maxStampLeadMillis = try value(.maxStampLeadMillis, defaults.maxStampLeadMillis)
        maxRecordBytes = try value(.maxRecordBytes, defaults.maxRecordBytes)
        maxPageBytes = try value(.maxPageBytes, defaults.maxPageBytes)
    }

    /// The settings that make sense together; a sentence naming the first that does not.
    public var problem: String? {
        if !(1...10_000).contains(maxOperationsPerChangeSet) { return "`limits.maxOperationsPerChangeSet` must be 1 to 10000" }
        if !(1024...(64 << 20)).contains(maxChangeSetBytes) { return "`limits.maxChangeSetBytes` must be 1 KiB to 64 MiB" }
        if !(1...100_000).contains(maxTitleLength) || !(1...1_000_000).contains(maxTextLength) { return "`limits.maxTitleLength` must be 1 to 100000 and `maxTextLength` 1 to 1000000" }
        if !(8...1024).contains(maxIdentifierLength) { return "`limits.maxIdentifierLength` must be 8 to 1024" }
        if !(2...255).contains(maxCombiningMarks) { return "`limits.maxCombiningMarks` must be 2 to 255" }
        if !(1...10_000).contains(maxListItems) { return "`limits.maxListItems` must be 1 to 10000" }
        if !(1...(1 << 40)).contains(maxAttachmentBytes) { return "`limits.maxAttachmentBytes` must be 1 byte to 1 TiB" }
        if !(0...(7 * 86_400_000)).contains(maxStampLeadMillis) { return "`limits.maxStampLeadMillis` must be 0 to 7 days" }
        if maxRecordBytes < 64 * 1024 || maxRecordBytes > (256 << 20) { return "`limits.maxRecordBytes` must be 64 KiB to 256 MiB" }
        if maxPageBytes < maxRecordBytes { return "`limits.maxPageBytes` must be at least `maxRecordBytes`, so one report fits in a page" }
        return nil
    }
}
