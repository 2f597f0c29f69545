import Foundation
import Testing

@testable import OnSiteCore

/// One rule of a seed, applied at one instant: province, step, category, start (local time), expected limit, due.
struct SeedCase: CustomTestStringConvertible, Sendable {
    var province: String
    var step: DeadlineStep
    var category: String
    var urgent = false
    var limit: WorkingDuration
    var start: String
    var due: String
    var why: String
    var testDescription: String { "\(province) \(step) \(category): \(why)" }
}

// Office hours assumed in Samples/policies: Thái Nguyên winter (15/10–14/4) 07:30–11:30, 13:00–17:00 and summer
// 07:00–11:30, 13:30–17:00; Điện Biên winter (1/10–30/4) 07:30–11:30, 13:30–17:30 and summer 07:00–11:30,
// 14:00–17:30; Đà Lạt 07:30–11:30, 13:30–17:30.
let seedCases: [SeedCase] = [
    // Thái Nguyên, art. 6–10: ½ day / 1 day / 3 days / ½ day / 4 hours.
    .init(province: "thai-nguyen", step: .reception, category: "moi-truong", limit: .workingDays(0.5),
          start: "2024-03-04 09:00", due: "2024-03-04 14:30", why: "½ day over the lunch break"),
    .init(province: "thai-nguyen", step: .reception, category: "moi-truong", limit: .workingDays(0.5),
          start: "2024-03-08 15:00", due: "2024-03-11 09:30", why: "½ day over a weekend"),
    .init(province: "thai-nguyen", step: .reception, category: "moi-truong", limit: .workingDays(0.5),
          start: "2024-03-09 10:00", due: "2024-03-11 11:30", why: "received on Saturday, ends at the end of a session"),
    .init(province: "thai-nguyen", step: .forwarding, category: "an-toan-giao-thong", limit: .workingDays(1),
          start: "2024-01-31 16:00", due: "2024-02-01 16:00", why: "1 day: same time next working day"),
    .init(province: "thai-nguyen", step: .handling, category: "dat-dai-xay-dung", limit: .workingDays(3),
          start: "2024-02-07 10:00", due: "2024-02-19 10:00", why: "3 days across Tết Giáp Thìn (8–14/2)"),
    .init(province: "thai-nguyen", step: .approval, category: "moi-truong", limit: .workingDays(0.5),
          start: "2024-03-05 10:30", due: "2024-03-05 16:00", why: "½ day for the leader, over lunch"),
    .init(province: "thai-nguyen", step: .publication, category: "moi-truong", limit: .workingHours(4),
          start: "2024-04-17 15:00", due: "2024-04-19 09:00", why: "4 hours across Giỗ Tổ Hùng Vương, summer hours"),
    .init(province: "thai-nguyen", step: .publication, category: "moi-truong", limit: .workingHours(4),
          start: "2024-04-26 16:00", due: "2024-05-02 10:00", why: "4 hours across 29/4 swapped, 30/4 and 1/5"),
    .init(province: "thai-nguyen", step: .publication, category: "moi-truong", limit: .workingHours(4),
          start: "2024-05-03 16:00", due: "2024-05-04 10:00", why: "Saturday 4/5/2024 is worked in exchange"),
    .init(province: "thai-nguyen", step: .handling, category: "moi-truong", urgent: true, limit: .elapsedHours(2),
          start: "2024-03-09 22:00", due: "2024-03-10 00:00", why: "urgent: 'ngay', 2 clock hours as the policy file states, even at night"),
    // Điện Biên memo: 1 working day to reply to an invalid or unclear report, 6 working days to handle.
    .init(province: "dien-bien", step: .forwarding, category: "moi-truong", limit: .workingDays(1),
          start: "2024-03-29 14:00", due: "2024-04-01 14:00", why: "1 day over a weekend"),
    .init(province: "dien-bien", step: .handling, category: "moi-truong", limit: .workingDays(6),
          start: "2024-04-15 09:00", due: "2024-04-24 09:00", why: "6 days across Giỗ Tổ 18/4/2024"),
    .init(province: "dien-bien", step: .handling, category: "an-ninh-trat-tu", limit: .workingDays(6),
          start: "2025-01-23 10:00", due: "2025-02-07 10:00", why: "6 days across Tết Ất Tỵ (27–31/1/2025)"),
    .init(province: "dien-bien", step: .forwarding, category: "moi-truong", limit: .workingDays(1),
          start: "2024-05-31 16:00", due: "2024-06-03 16:00", why: "summer hours, afternoon from 14:00"),
    .init(province: "dien-bien", step: .handling, category: "moi-truong", limit: .workingDays(6),
          start: "2026-02-12 08:30", due: "2026-02-27 08:30", why: "6 days across Tết Bính Ngọ (16–20/2/2026)"),
    // Đà Lạt: 8 / 4 / 2 working hours by category, 4 hours for the others.
    .init(province: "da-lat", step: .handling, category: "cong-vu-cong-chuc", limit: .workingHours(8),
          start: "2024-03-05 10:00", due: "2024-03-06 10:00", why: "8 hours: staff attitude"),
    .init(province: "da-lat", step: .handling, category: "moi-truong", limit: .workingHours(4),
          start: "2024-03-05 10:00", due: "2024-03-05 16:00", why: "4 hours: environment, over lunch"),
    .init(province: "da-lat", step: .handling, category: "an-toan-giao-thong", limit: .workingHours(2),
          start: "2024-03-05 10:00", due: "2024-03-05 14:00", why: "2 hours: traffic safety, over lunch"),
    .init(province: "da-lat", step: .handling, category: "van-hoa-du-lich", limit: .workingHours(4),
          start: "2024-08-30 16:00", due: "2024-09-04 10:00", why: "4 hours across Quốc khánh 2–3/9/2024"),
    .init(province: "da-lat", step: .handling, category: "bao-ve-tre-em", limit: .workingHours(4),
          start: "2024-03-05 12:00", due: "2024-03-05 17:30", why: "other: 4 hours, received during lunch"),
    .init(province: "da-lat", step: .handling, category: "trat-tu-do-thi", limit: .workingHours(2),
          start: "2026-02-13 16:30", due: "2026-02-23 08:30", why: "2 hours across Tết Bính Ngọ"),
    // 2026: Friday 2/1 is a day off swapped with Saturday 10/1, worked instead.
    .init(province: "thai-nguyen", step: .forwarding, category: "moi-truong", limit: .workingDays(1),
          start: "2025-12-31 15:00", due: "2026-01-05 15:00", why: "1 day across Tết Dương lịch 2026 and the swapped Friday 2/1"),
    .init(province: "dien-bien", step: .forwarding, category: "moi-truong", limit: .workingDays(1),
          start: "2026-01-09 14:00", due: "2026-01-10 14:00", why: "Saturday 10/1/2026 is worked in exchange for 2/1"),
    .init(province: "thai-nguyen", step: .approval, category: "moi-truong", urgent: true, limit: .elapsedHours(2),
          start: "2026-01-01 10:00", due: "2026-01-01 12:00", why: "urgent approval on a holiday: clock hours"),
    .init(province: "dien-bien", step: .handling, category: "moi-truong", urgent: true, limit: .workingDays(6),
          start: "2024-04-15 09:00", due: "2024-04-24 09:00", why: "no urgent rule in Điện Biên's policy: the normal limit"),
]

@Suite("Deadline rules of the seeds")
struct DeadlineRuleTests {
    @Test(arguments: seedCases)
    func seedRule(_ c: SeedCase) throws {
        // Given the province's policy file
        let rules = try Fixtures.rules(c.province)
        // Then the limit is the one the seed states
        #expect(rules.policy.limit(for: c.step, category: c.category, isUrgent: c.urgent) == c.limit)
        // And counting it from the start lands on the expected local time
        let start = Fixtures.vn(c.start)
        let due = rules.calendar.adding(c.limit, to: start)
        #expect(Fixtures.show(due) == c.due)
        // And measuring back gives the limit (clock time for urgent limits in hours)
        let seconds = c.limit.seconds(hoursPerWorkingDay: rules.calendar.hoursPerWorkingDay)
        let measured = c.limit.isElapsedTime ? due.timeIntervalSince(start) : rules.calendar.workingTime(from: start, to: due)
        #expect(measured == seconds)
    }

    @Test func stepsWithoutARuleHaveNoDeadline() throws {
        let daLat = try Fixtures.rules("da-lat")
        #expect(daLat.policy.limit(for: .approval, category: "moi-truong") == nil)
        let dienBien = try Fixtures.rules("dien-bien")
        #expect(dienBien.policy.limit(for: .publication, category: "moi-truong", isUrgent: true) == nil)
    }

    @Test func workingTimeSkipsNightsWeekendsAndLunch() throws {
        let calendar = try Fixtures.rules("dien-bien").calendar
        // Friday 16:00 → Monday 08:30: 1.5 h on Friday, 1 h on Monday.
        #expect(calendar.workingHours(from: Fixtures.vn("2024-03-08 16:00"), to: Fixtures.vn("2024-03-11 08:30")) == 2.5)
        // Lunch 11:30–13:30 does not count.
        #expect(calendar.workingHours(from: Fixtures.vn("2024-03-12 11:00"), to: Fixtures.vn("2024-03-12 14:00")) == 1)
        // The whole Tết week 2024 counts nothing.
        #expect(calendar.workingTime(from: Fixtures.vn("2024-02-08 00:00"), to: Fixtures.vn("2024-02-15 00:00")) == 0)
        #expect(calendar.workingTime(from: Fixtures.vn("2024-03-12 14:00"), to: Fixtures.vn("2024-03-12 11:00")) == 0)
        #expect(!calendar.isWorkingDay(LocalDate("2026-04-27")!), "compensatory day for Giỗ Tổ on Sunday 26/4/2026")
        #expect(calendar.isWorkingDay(LocalDate("2025-04-26")!), "Saturday 26/4/2025 worked in exchange for 2/5")
        #expect(calendar.isWithinOfficeHours(Fixtures.vn("2024-03-12 11:30")))
        #expect(!calendar.isWithinOfficeHours(Fixtures.vn("2024-03-12 12:00")))
    }

    @Test func localDateArithmetic() throws {
        #expect(LocalDate(dayNumber: 0).description == "1970-01-01")
        #expect(LocalDate("2024-02-29")?.adding(days: 1).description == "2024-03-01")
        #expect(LocalDate("2025-02-29") == nil && LocalDate("2024-1-01") == nil)
        #expect(LocalDate("2024-02-10")?.weekday == 6, "Tết Giáp Thìn was a Saturday")
        for n in stride(from: -800_000, through: 800_000, by: 9_973) {
            #expect(LocalDate(dayNumber: n).dayNumber == n)
        }
    }
}
