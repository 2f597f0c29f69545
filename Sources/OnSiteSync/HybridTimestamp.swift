import OnSiteCore

/// A hybrid logical clock stamp: wall time in milliseconds, a counter, and the device that made it.
///
/// Stamps are totally ordered: by wall time, then counter, then device id (the tie-break).
/// A device's clock never goes backwards in stamps, and it moves past every stamp it has seen,
/// so causally later writes always carry larger stamps.
public struct HybridTimestamp: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z, as the device's clock (or a later stamp it saw) said.
    public var wallMillis: Int64
    /// Orders stamps that share a wall time.
    public var counter: UInt32
    /// The device that issued the stamp.
    public var device: String

    public init(wallMillis: Int64, counter: UInt32, device: String) {
        self.wallMillis = wallMillis
        self.counter = counter
        self.device = device
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.wallMillis, lhs.counter, lhs.device) < (rhs.wallMillis, rhs.counter, rhs.device)
    }

    public var description: String { "\(wallMillis).\(counter)@\(device)" }

    enum CodingKeys: String, CodingKey {
        case wallMillis = "t"
        case counter = "c"
        case device = "d"
    }
}

/// The clock that issues a device's stamps: a pure value, the caller passes the wall time in.
///
/// It never issues a stamp the relay would refuse: counters stay below ``SyncLimits/counterBound`` (the wall
/// time moves on by a millisecond instead), and a stamp from elsewhere that is further ahead of the wall time
/// than ``SyncLimits/maxStampLeadMillis`` is not followed (see ``observe(_:wallMillis:maxLead:)``).
public struct HybridClock: Codable, Sendable, Hashable {
    public private(set) var last: HybridTimestamp

    public init(device: String, last: HybridTimestamp? = nil) {
        self.last = last ?? HybridTimestamp(wallMillis: 0, counter: 0, device: device)
    }

    /// A new stamp, greater than every stamp issued or observed before, unless the clock holds a stamp
    /// more than `maxLead` ahead of `wallMillis` (a poisoned state from before stamps were bounded): it then
    /// starts again from the wall time rather than stamp where the relay refuses.
    public mutating func tick(wallMillis: Int64, maxLead: Int64 = SyncLimits().maxStampLeadMillis) -> HybridTimestamp {
        let wall = min(max(wallMillis, 1), WireDate.endMillis - 1)
        let (lead, overflow) = last.wallMillis.subtractingReportingOverflow(wall)
        if wall > last.wallMillis || overflow || lead > maxLead {
            last = HybridTimestamp(wallMillis: wall, counter: 0, device: last.device)
        } else if last.counter >= SyncLimits.counterBound - 1 {
            last = HybridTimestamp(wallMillis: last.wallMillis + 1, counter: 0, device: last.device)
        } else {
            last = HybridTimestamp(wallMillis: last.wallMillis, counter: last.counter + 1, device: last.device)
        }
        return last
    }

    /// Moves the clock past a stamp seen from another device, so the next tick orders after it.
    ///
    /// A stamp more than `maxLead` past `wallMillis` (the device's steered time), or with a counter the relay
    /// would not accept, is not followed: a device never lets a pulled stamp stop it from writing.
    public mutating func observe(_ remote: HybridTimestamp, wallMillis: Int64, maxLead: Int64 = SyncLimits().maxStampLeadMillis) {
        let (limit, overflow) = wallMillis.addingReportingOverflow(maxLead)
        guard remote.counter < SyncLimits.counterBound, overflow || remote.wallMillis <= limit else { return }
        if remote.wallMillis > last.wallMillis || (remote.wallMillis == last.wallMillis && remote.counter > last.counter) {
            last = HybridTimestamp(wallMillis: remote.wallMillis, counter: remote.counter, device: last.device)
        }
    }
}
