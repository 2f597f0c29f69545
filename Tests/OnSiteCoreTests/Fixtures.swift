import Foundation
import Testing

@testable import OnSiteCore

/// Shared test data: the Samples folder, the provinces' rules, local-time helpers.
enum Fixtures {
    /// The repository's `Samples/` folder, found by walking up from this file.
    static let samples: URL = {
        var dir = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = dir.appending(path: "Samples")
            if FileManager.default.fileExists(atPath: candidate.appending(path: "categories.json").path) {
                return candidate
            }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: "/work/main/Samples")
    }()

    static func rules(_ province: String) throws -> ProvinceRules {
        try PolicyFile.load(
            policy: samples.appending(path: "policies/\(province).json"), calendars: samples.appending(path: "calendars"))
    }

    static let vietnam = TimeZone(secondsFromGMT: 7 * 3600) ?? .gmt

    /// An instant from local Vietnamese time, `"2024-03-04 09:00"`.
    static func vn(_ text: String) -> Date {
        let parts = text.split(separator: " ")
        guard parts.count == 2, let date = LocalDate(String(parts[0])), let time = TimeOfDay(String(parts[1])) else {
            Issue.record("bad fixture time \(text)")
            return .distantPast
        }
        return Date(timeIntervalSince1970: Double(date.dayNumber * 86_400 + time.minutes * 60 - 7 * 3600))
    }

    /// Local Vietnamese time of an instant, `"2024-03-04 09:00"` (seconds dropped).
    static func show(_ date: Date) -> String {
        let local = Int(date.timeIntervalSince1970.rounded(.down)) + 7 * 3600
        let day = LocalDate(dayNumber: local >= 0 ? local / 86_400 : (local - 86_399) / 86_400)
        let minutes = (local - day.dayNumber * 86_400) / 60
        return "\(day) \(TimeOfDay(hour: minutes / 60, minute: minutes % 60)?.description ?? "?")"
    }

    static func report(
        id: String = "r1", status: ReportStatus = .received, category: String = "moi-truong",
        confidential: Bool = false, urgent: Bool = false, receivedAt: Date = vn("2024-03-04 09:00"),
        district: String = "tp-dien-bien-phu", hidden: String? = nil
    ) -> Report {
        Report(
            id: id, code: "DB-2024-\(id.uppercased())", title: "Rác thải tập kết sai quy định",
            description: "Rác thải sinh hoạt đổ bừa bãi.", category: category,
            location: GeoPoint(latitude: 21.386, longitude: 103.017), address: "Tổ 5, phường Mường Thanh",
            area: AdministrativeArea(province: "dien-bien", district: district, commune: "phuong-muong-thanh"),
            reporter: Reporter(name: "Nguyễn Văn An", phone: "0915000001", isConfidential: confidential),
            isUrgent: urgent, receivedAt: receivedAt, status: status, hiddenReason: hidden)
    }
}
