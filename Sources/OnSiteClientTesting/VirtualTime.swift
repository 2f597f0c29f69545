import Foundation
import OnSiteCore
import Synchronization

/// Virtual time shared by an in-process relay and its devices: tests move it on explicitly.
public final class VirtualTime: Sendable {
    private let millis: Atomic<Int64>

    /// Starts at 2024-04-18 00:26:40 UTC unless told otherwise.
    public init(startMillis: Int64 = 1_713_400_000_000) {
        millis = Atomic(startMillis)
    }

    public var now: Date { WireDate.date(millis: millis.load(ordering: .relaxed)) }
    public var nowMillis: Int64 { millis.load(ordering: .relaxed) }

    /// Moves time on, by one second unless told otherwise.
    public func advance(by step: Int64 = 1_000) { millis.add(step, ordering: .relaxed) }
}
