import Foundation

/// One line of a report's history: who did what, when. Append-only; every step leaves one.
public struct Event: Codable, Sendable, Hashable, Identifiable {
    public var id: UUID
    public var reportId: String
    /// The device or person that acted.
    public var actor: String
    public var at: Date
    /// A short machine name of the action, e.g. `note`, `verification`, `field:title`, `transition:accepted`.
    public var action: String
    /// A human sentence or the new value.
    public var detail: String

    public init(id: UUID = UUID(), reportId: String, actor: String, at: Date, action: String, detail: String) {
        self.id = id
        self.reportId = reportId
        self.actor = actor
        self.at = at
        self.action = action
        self.detail = detail
    }
}
