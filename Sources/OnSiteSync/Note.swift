import Foundation

/// A free-text note on a report (ghi chú). Append-only: notes merge by union.
public struct Note: Codable, Sendable, Hashable, Identifiable {
    public var id: UUID
    public var author: String
    public var at: Date
    public var text: String

    public init(id: UUID = UUID(), author: String, at: Date, text: String) {
        self.id = id
        self.author = author
        self.at = at
        self.text = text
    }
}
