/// How long one sync keeps going when the link drops: retries with backoff until the work is done, the
/// deadline passes, or (unless "until done") a few attempts in a row made no progress at all.
///
/// `onsite sync` uses ``standard``: up to 30 minutes, giving up after 4 attempts in a row that moved nothing
/// (an unreachable relay ends the sync within a few seconds, exit 75). `--until-done` drops that limit;
/// `--deadline SECONDS` sets the deadline (0: one attempt, no retry). Libraries default to ``once``.
public struct SyncPersistence: Sendable, Hashable {
    /// Retries start only while the time since the sync began is below this.
    public var deadline: Duration
    /// Give up after this many failed attempts in a row that sent nothing and confirmed nothing; nil: never.
    public var maxFailuresWithoutProgress: Int?
    /// The backoff between attempts (jittered, doubling, capped, back to the first delay after progress).
    public var backoff: RetryBackoff

    public init(deadline: Duration, maxFailuresWithoutProgress: Int? = 4, backoff: RetryBackoff = RetryBackoff()) {
        self.deadline = deadline
        self.maxFailuresWithoutProgress = maxFailuresWithoutProgress
        self.backoff = backoff
    }

    /// One attempt, no retry.
    public static let once = SyncPersistence(deadline: .zero, maxFailuresWithoutProgress: 1)
    /// `onsite sync`'s default: 30 minutes, 4 fruitless attempts in a row at most.
    public static let standard = SyncPersistence(deadline: .seconds(30 * 60), maxFailuresWithoutProgress: 4)

    /// - Throws: ``ClientError/invalidInput(_:)`` for a negative deadline or a limit below 1.
    public func check() throws(ClientError) {
        if deadline < .zero { throw .invalidInput("--deadline must be 0 seconds or more.") }
        if let limit = maxFailuresWithoutProgress, limit < 1 { throw .invalidInput("The number of attempts without progress must be at least 1.") }
    }
}

/// Exponential backoff with jitter, as a pure value: each delay is a random point in [½, 1] of
/// `first × 2ⁿ`, capped at `cap`; ``reset()`` after progress starts again from `first`.
public struct RetryBackoff: Sendable, Hashable {
    public var first: Duration
    public var cap: Duration
    private var step = 0

    public init(first: Duration = .milliseconds(500), cap: Duration = .seconds(30)) {
        self.first = first
        self.cap = cap
    }

    /// The next delay; `unit` is a random number in [0, 1) (the caller's generator, seeded in tests).
    public mutating func next(unit: Double) -> Duration {
        let ceiling = min(first * Double(1 << min(step, 20)), cap)
        step += 1
        return ceiling * (0.5 + 0.5 * min(max(unit, 0), 1))
    }

    /// Progress was made: the next delay is short again.
    public mutating func reset() { step = 0 }
}
