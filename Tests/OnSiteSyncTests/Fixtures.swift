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

    /// SHA-256 of the bytes "onsite photo 1".
    static let sha256 = "b4053b7853fae61468430edb2c4e5347635175f68a729b80fc2bb306815d8ad8"

    static func attachment(reportId: String = "rpt-1", byteCount: Int64 = 2_483_117, contentType: String = "image/jpeg",
                           sha256: String = sha256, fileName: String = "IMG_0412.jpg") -> Attachment {
        Attachment(reportId: reportId, sha256: sha256, byteCount: byteCount, contentType: contentType, fileName: fileName,
                   addedBy: "Lò Văn Minh", addedAt: Date(timeIntervalSince1970: 1_713_436_620))
    }

    static func record(_ report: Report = report()) -> ReportRecord {
        ReportRecord(created: report, stamp: stamp(0, 0, "dev-hub"))
    }

    /// A conflict on the title of `rpt-1`: officer A's write kept, the hub's lost.
    static let conflict = FieldConflict(
        id: UUID(uuidString: "00000000-0000-4000-8000-00000000C0F1")!, reportId: "rpt-1", field: .title,
        kept: FieldWrite(value: .text("Tiêu đề của cán bộ A"), deviceId: "dev-officer-a", deviceName: "Điện thoại cán bộ Minh", stamp: stamp(2_000, 0, "dev-officer-a")),
        lost: FieldWrite(value: .text("Tiêu đề của IOC"), deviceId: "dev-hub", deviceName: "IOC Điện Biên", stamp: stamp(1_000, 0, "dev-hub")))
}
