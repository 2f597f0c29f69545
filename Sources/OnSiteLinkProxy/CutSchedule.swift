/// The seeded times between cuts: SplitMix64, uniform in the profile's range.
struct CutSchedule: Sendable {
    private var state: UInt64
    let range: ClosedRange<Double>

    init(range: ClosedRange<Double>, seed: UInt64) {
        self.range = range
        state = seed
    }

    /// Seconds until the next cut.
    mutating func next() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        let unit = Double(z >> 11) / Double(1 << 53)
        return range.lowerBound + unit * (range.upperBound - range.lowerBound)
    }
}
