import Foundation
import OnSiteCore
import OnSiteSync

/// Reports and stamps shared by the tests.
enum Fixture {
    static let t0: Int64 = 1_713_429_000_000   // 2024-04-18T08:30:00.000Z

    static func report(id: String = "rpt-1", assignedUnit: String? = "U-HIMLAM") -> Report {
        Report(
            id: id, code: "DB-2024-00017", title: "Lấn chiếm vỉa hè", description: "Bàn ghế trên vỉa hè.",
            category: "trat-tu-do-thi", location: GeoPoint(latitude: 21.3865, longitude: 103.0191),
            address: "Số 112 Võ Nguyên Giáp", area: AdministrativeArea(province: "P11", district: "D094", commune: "C03124"),
            reporter: Reporter(name: "Nguyễn Thị Hoa", isConfidential: false),
            receivedAt: Date(timeIntervalSince1970: 1_713_429_000), status: .forwarded, assignedUnit: assignedUnit)
    }

    static func stamp(_ offset: Int64 = 0, _ counter: UInt32 = 0, _ device: String) -> HybridTimestamp {
        HybridTimestamp(wallMillis: t0 + offset, counter: counter, device: device)
    }

    static func record(_ report: Report = report()) -> ReportRecord {
        ReportRecord(created: report, stamp: stamp(0, 0, "dev-hub"))
    }
}
