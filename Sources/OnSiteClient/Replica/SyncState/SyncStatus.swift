import Foundation
import OnSiteCore

/// Where the replica stands with the relay: what `onsite status` prints.
public struct SyncStatus: Codable, Sendable, Hashable {
    public var relayURL: String?
    public var deviceId: String?
    public var role: Role?
    public var units: [String]
    public var cursor: Int64
    public var lastSyncAt: Date?
    public var pendingOperations: Int
    public var pendingByReport: [String: Int]
    public var reportCount: Int
    public var rejections: Int
}
