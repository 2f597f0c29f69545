import Synchronization

/// Whether an in-process link drops the next answer, as a dropped connection would after the relay committed.
public final class LinkFault: Sendable {
    private let losesNext = Mutex(false)

    public init() {}

    public func loseNextAnswer(_ lose: Bool) { losesNext.withLock { $0 = lose } }

    /// Whether the answer in flight is lost (and the fault cleared).
    public func takeLoss() -> Bool { losesNext.withLock { lose in defer { lose = false }; return lose } }
}
