import Foundation

/// A one-way flag set by a task's cancellation handler and polled by the transfer thread.
///
/// `@unchecked Sendable` is safe: the only stored state, `isSet`, is read and written exclusively while
/// holding `lock`, and `NSLock` itself is thread-safe.
final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var isSet = false

    func cancel() { lock.withLock { isSet = true } }

    var isCancelled: Bool { lock.withLock { isSet } }
}
