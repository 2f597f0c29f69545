import Foundation

/// One write to a scalar field: the value, who wrote it and its stamp.
public struct FieldWrite: Codable, Sendable, Hashable {
    public var value: FieldValue
    public var deviceId: String
    /// The device's name on the relay, for people.
    public var deviceName: String
    public var stamp: HybridTimestamp

    public init(value: FieldValue, deviceId: String, deviceName: String, stamp: HybridTimestamp) {
        self.value = value
        self.deviceId = deviceId
        self.deviceName = deviceName
        self.stamp = stamp
    }
}

/// Two concurrent writes to the same field: the one the state keeps and the one that lost.
///
/// Writes are concurrent when the later writer had not pulled the earlier write (its change set's base
/// version is older than that write). The relay records the conflict in its log, right after the write that
/// caused it, so every replica that holds the report (the losing device included) receives it on its next
/// pull. Nothing is lost: the losing value stays here until someone resolves it.
public struct FieldConflict: Codable, Sendable, Hashable, Identifiable {
    public var id: UUID
    public var reportId: String
    public var field: ReportField
    public var kept: FieldWrite
    public var lost: FieldWrite

    public init(id: UUID, reportId: String, field: ReportField, kept: FieldWrite, lost: FieldWrite) {
        self.id = id
        self.reportId = reportId
        self.field = field
        self.kept = kept
        self.lost = lost
    }
}
