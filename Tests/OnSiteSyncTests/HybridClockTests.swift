import Foundation
import OnSiteSync
import Testing

@Suite("Hybrid logical clock")
struct HybridClockTests {
    @Test("stamps only go up, even when the wall clock goes back")
    func monotonic() {
        // Given a clock
        var clock = HybridClock(device: "dev-a")
        // When the wall time goes 1000, 900, 1000, 1001
        let stamps = [1000, 900, 1000, 1001].map { clock.tick(wallMillis: $0) }
        // Then every stamp is greater than the one before, keeping the largest wall time seen
        #expect(stamps.map(\.wallMillis) == [1000, 1000, 1000, 1001])
        #expect(stamps.map(\.counter) == [0, 1, 2, 0])
        #expect(zip(stamps, stamps.dropFirst()).allSatisfy { $0 < $1 })
        #expect(stamps.allSatisfy { $0.device == "dev-a" })
    }

    @Test("observing a remote stamp moves the next tick past it")
    func observeAhead() {
        var clock = HybridClock(device: "dev-a")
        _ = clock.tick(wallMillis: 1000)
        let remote = HybridTimestamp(wallMillis: 5000, counter: 3, device: "dev-b")
        // When a stamp from a device whose clock is ahead is seen
        clock.observe(remote, wallMillis: 1001)
        let next = clock.tick(wallMillis: 1001)
        // Then the next local stamp orders after it, with the local device id
        #expect(next > remote)
        #expect(next == HybridTimestamp(wallMillis: 5000, counter: 4, device: "dev-a"))
    }

    @Test("observing the same wall time with a larger counter moves past the counter")
    func observeSameWall() {
        var clock = HybridClock(device: "dev-b")
        _ = clock.tick(wallMillis: 1000)
        clock.observe(HybridTimestamp(wallMillis: 1000, counter: 9, device: "dev-a"), wallMillis: 1000)
        #expect(clock.tick(wallMillis: 1000) == HybridTimestamp(wallMillis: 1000, counter: 10, device: "dev-b"))
    }

    @Test("observing an older stamp changes nothing")
    func observeBehind() {
        var clock = HybridClock(device: "dev-a")
        let mine = clock.tick(wallMillis: 2000)
        clock.observe(HybridTimestamp(wallMillis: 1500, counter: 40, device: "dev-z"), wallMillis: 2000)
        #expect(clock.last == mine)
        #expect(clock.tick(wallMillis: 1999) == HybridTimestamp(wallMillis: 2000, counter: 1, device: "dev-a"))
    }

    @Test("the order is wall time, then counter, then device id")
    func totalOrder() {
        let a = HybridTimestamp(wallMillis: 10, counter: 1, device: "dev-a")
        let b = HybridTimestamp(wallMillis: 10, counter: 1, device: "dev-b")
        #expect(a < b)
        #expect(HybridTimestamp(wallMillis: 10, counter: 2, device: "dev-a") > b)
        #expect(HybridTimestamp(wallMillis: 11, counter: 0, device: "dev-a") > HybridTimestamp(wallMillis: 10, counter: 99, device: "dev-z"))
        #expect(a != b)
    }

    @Test("a stamp is {t, c, d} on the wire and a clock survives storage")
    func wire() throws {
        let stamp = HybridTimestamp(wallMillis: 1_713_429_000_000, counter: 2, device: "dev-a")
        #expect(String(decoding: try WireCoding.encode(stamp), as: UTF8.self) == #"{"c":2,"d":"dev-a","t":1713429000000}"#)
        var clock = HybridClock(device: "dev-a")
        _ = clock.tick(wallMillis: 5)
        let stored = try WireCoding.decode(HybridClock.self, from: WireCoding.encode(clock))
        #expect(stored == clock)
    }
}
