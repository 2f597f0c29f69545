import Foundation

/// What this device still has to send: changes in the outbox and photos in the upload queue.
public struct PendingWork: Sendable, Hashable, Codable {
    /// Operations not yet acknowledged by the relay.
    public var changes: Int
    /// Photos queued for upload (not failed for good).
    public var photos: Int
    /// Bytes of those photos the relay has not confirmed yet.
    public var photoBytes: Int64

    public init(changes: Int = 0, photos: Int = 0, photoBytes: Int64 = 0) {
        self.changes = changes
        self.photos = photos
        self.photoBytes = photoBytes
    }

    /// Nothing left to send.
    public var isEmpty: Bool { changes == 0 && photos == 0 }

    /// "1 change", "3 photos (5.2 MB left to send)", "2 changes and 1 photo (640 kB left to send)", or "nothing".
    public var summary: String {
        var parts: [String] = []
        if changes > 0 { parts.append("\(changes) change\(changes == 1 ? "" : "s")") }
        if photos > 0 {
            parts.append("\(photos) photo\(photos == 1 ? "" : "s") (\(Self.bytesText(photoBytes)) left to send)")
        }
        return parts.isEmpty ? "nothing" : parts.joined(separator: " and ")
    }

    /// Whether ``summary`` names one thing (for "is"/"are").
    var isSingular: Bool { changes + photos == 1 }

    /// Bytes in decimal units, as people read them on a phone: "950 B", "640 kB", "5.2 MB".
    public static func bytesText(_ bytes: Int64) -> String {
        switch bytes {
        case ..<1_000: "\(bytes) B"
        case ..<1_000_000: "\(bytes / 1_000) kB"
        default: String(format: "%.1f MB", Double(bytes) / 1_000_000)
        }
    }
}
