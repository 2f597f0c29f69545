import Foundation
import Testing
import OnSiteTesting

@testable import OnSiteCore


@Suite("Working calendar properties")
struct WorkingCalendarPropertyTests {
    static let seed: UInt64 = 20_240_419

    @Test("add then measure back; deadlines inside office hours (seed 20240419)",
          arguments: ["thai-nguyen", "dien-bien", "da-lat"])
    func addThenMeasure(province: String) throws {
        let calendar = try Fixtures.rules(province).calendar
        var random = SeededGenerator(seed: Self.seed)
        // Instants from 2023-12-01 to 2027-01-31, to the second; durations of 1 minute to 10 working days.
        let first = Fixtures.vn("2023-12-01 00:00").timeIntervalSince1970
        let last = Fixtures.vn("2027-01-31 00:00").timeIntervalSince1970
        for i in 0..<1_500 {
            let start = Date(timeIntervalSince1970: Double(Int.random(in: Int(first)...Int(last), using: &random)))
            let seconds = Double(Int.random(in: 1...(10 * 8 * 60), using: &random) * 60)
            let context = "seed \(Self.seed), case \(i): \(province) from \(Fixtures.show(start)) + \(seconds / 3600) h"
            // When adding working time
            let due = calendar.adding(workingSeconds: seconds, to: start)
            // Then measuring it back gives the same duration, and the due instant is inside office hours
            #expect(calendar.workingTime(from: start, to: due) == seconds, "\(context) → \(Fixtures.show(due))")
            #expect(calendar.isWithinOfficeHours(due), "\(context) → \(Fixtures.show(due)) is outside office hours")
            #expect(due > start, "\(context)")
            // And adding in two parts lands on the same instant
            let part = Double(Int.random(in: 0...Int(seconds), using: &random))
            let twice = calendar.adding(workingSeconds: seconds - part, to: calendar.adding(workingSeconds: part, to: start))
            #expect(twice == due || part == 0 || part == seconds || calendar.workingTime(from: twice, to: due) == 0,
                    "\(context), split at \(part) s")
        }
    }

    @Test("working time is additive over a split point (seed 20240419)")
    func additivity() throws {
        let calendar = try Fixtures.rules("dien-bien").calendar
        var random = SeededGenerator(seed: Self.seed &+ 1)
        let first = Int(Fixtures.vn("2024-01-01 00:00").timeIntervalSince1970)
        for i in 0..<1_000 {
            let a = first + Int.random(in: 0...(3 * 365 * 86_400), using: &random)
            let b = a + Int.random(in: 0...(30 * 86_400), using: &random)
            let c = b + Int.random(in: 0...(30 * 86_400), using: &random)
            let (da, db, dc) = (Date(timeIntervalSince1970: Double(a)), Date(timeIntervalSince1970: Double(b)),
                                Date(timeIntervalSince1970: Double(c)))
            #expect(calendar.workingTime(from: da, to: db) + calendar.workingTime(from: db, to: dc)
                    == calendar.workingTime(from: da, to: dc), "seed \(Self.seed &+ 1), case \(i)")
        }
    }
}
