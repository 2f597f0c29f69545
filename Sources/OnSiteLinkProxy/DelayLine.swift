import Foundation

/// Bytes on their way through one direction of one connection, each due at a time (the link's delay), with a
/// bound on what it holds so a fast sender waits for a slow receiver.
final class DelayLine: @unchecked Sendable {
    // @unchecked: `items`, `held` and `isClosed` are only touched under `condition`.
    enum Item {
        case bytes([UInt8])
        /// The sender finished (FIN): deliver it after the bytes before it.
        case end
        /// Cut the connection once the bytes before it are delivered.
        case cut
    }

    private let condition = NSCondition()
    private var items: [(due: ContinuousClock.Instant, item: Item)] = []
    private var held = 0
    private var isClosed = false
    private let limit: Int

    init(limit: Int = 256 * 1024) { self.limit = limit }

    /// Queues an item, waiting while the line holds more than its limit; false when the line was closed.
    func push(_ item: Item, due: ContinuousClock.Instant) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while held > limit, !isClosed { condition.wait(until: Date().addingTimeInterval(0.1)) }
        guard !isClosed else { return false }
        if case .bytes(let bytes) = item { held += bytes.count }
        items.append((due, item))
        condition.broadcast()
        return true
    }

    /// The next item once it is due; nil when the line was closed.
    func pop() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if isClosed { return nil }
            if let first = items.first {
                let wait = first.due - .now
                if wait <= .zero {
                    items.removeFirst()
                    if case .bytes(let bytes) = first.item { held -= bytes.count }
                    condition.broadcast()
                    return first.item
                }
                condition.wait(until: Date().addingTimeInterval(min(0.1, Self.seconds(wait))))
            } else {
                condition.wait(until: Date().addingTimeInterval(0.1))
            }
        }
    }

    /// Drops what is in flight and wakes both ends.
    func close() {
        condition.lock()
        isClosed = true
        items.removeAll()
        held = 0
        condition.broadcast()
        condition.unlock()
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
