import Foundation
import Testing
@testable import OnSiteCore

/// Date, time and offset strings as cameras write them.
@Suite("EXIF time strings")
struct EXIFTimeTests {
    @Test func dateTimes() {
        #expect(EXIFTime.naiveSeconds(dateTime: "1970:01:01 00:00:00") == 0)
        #expect(EXIFTime.naiveSeconds(dateTime: "2024:02:29 23:59:59") == 1_709_251_199)
        #expect(EXIFTime.naiveSeconds(dateTime: "2024-04-18T09:12:30") == 1_713_431_550)
        for bad in ["2023:02:29 10:00:00", "2024:13:01 10:00:00", "2024:04:18 24:00:00", "2024:04:18", "", "abcd:ef:gh ij:kl:mn"] {
            #expect(EXIFTime.naiveSeconds(dateTime: bad) == nil, "\(bad)")
        }
    }

    @Test func offsets() {
        #expect(EXIFTime.offsetSeconds("+07:00") == 25_200)
        #expect(EXIFTime.offsetSeconds("-05:30") == -19_800)
        #expect(EXIFTime.offsetSeconds("+0700") == 25_200)
        #expect(EXIFTime.offsetSeconds("Z") == 0)
        for bad in ["07:00", "+7:00", "+15:00", "+07:60", "", "+07:00:00"] {
            #expect(EXIFTime.offsetSeconds(bad) == nil, "\(bad)")
        }
    }

    @Test func civilDayNumbersMatchFoundation() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        for (year, month, day) in [(1900, 3, 1), (2000, 2, 29), (2024, 4, 18), (2999, 12, 31)] {
            let date = calendar.date(from: DateComponents(year: year, month: month, day: day))
            let days = CivilCalendar.dayNumber(year: year, month: month, day: day)
            #expect(date?.timeIntervalSince1970 == TimeInterval(days * 86_400))
            #expect(CivilCalendar.date(dayNumber: days) == (year, month, day))
        }
    }

    @Test func gpsSecondsOfDay() {
        #expect(EXIFTime.secondsOfDay([2, 12, 30.5]) == 7_950.5)
        #expect(EXIFTime.secondsOfDay([24, 0, 0]) == nil)
        #expect(EXIFTime.secondsOfDay([1, 2]) == nil)
        #expect(EXIFTime.secondsOfDay([.nan, 0, 0]) == nil)
    }
}
