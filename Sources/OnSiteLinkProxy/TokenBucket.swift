import Foundation

/// A token bucket for one direction of a link: `rate` bytes per second, bursts up to `capacity`.
///
/// ``reserve(_:)`` takes the tokens at once (the balance may go negative) and says how long the caller must
/// wait before sending, so concurrent senders queue up fairly behind each other at the link's rate.
final class TokenBucket: @unchecked Sendable {
    // @unchecked: `tokens` and `last` are only touched under `lock`; the rest is immutable.
    private let rate: Double
    private let capacity: Double
    private let lock = NSLock()
    private var tokens: Double
    private var last: ContinuousClock.Instant

    init(rate: Int, capacity: Int) {
        self.rate = Double(max(1, rate))
        self.capacity = Double(max(1, capacity))
        tokens = self.capacity
        last = .now
    }

    /// Takes `bytes` tokens; returns the seconds to wait before those bytes may go.
    func reserve(_ bytes: Int) -> Double {
        lock.withLock {
            let now = ContinuousClock.now
            let elapsed = now - last
            last = now
            tokens = min(capacity, tokens + rate * (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
            tokens -= Double(bytes)
            return tokens < 0 ? -tokens / rate : 0
        }
    }
}
