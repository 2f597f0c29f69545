import Foundation
import OnSiteClient
import OnSiteCore
import OnSiteSync

/// The words of evidence marks and bundle breaks, in Vietnamese (default) or English.
struct EvidenceLabels {
    let vi: Bool

    init(language: ReportLanguage) {
        vi = language == .vietnamese
    }

    /// `[đã xác thực: ký bởi thiết bị Lò Thị Lan (dev-lan)]` or the flag in words.
    func mark(_ mark: EvidenceMark) -> String {
        let device = mark.deviceName.map { "\($0) (\(mark.deviceId ?? "?"))" } ?? (mark.deviceId ?? "?")
        let version = mark.version.map { vi ? ", phiên bản nhật ký \($0)" : ", log version \($0)" } ?? ""
        switch mark.state {
        case .verified:
            return vi ? "[đã xác thực: ký bởi thiết bị \(device)]" : "[verified: signed by device \(device)]"
        case .altered where mark.receivedSha256 != nil:
            let received = (mark.receivedSha256 ?? "").prefix(12)
            let signer = mark.deviceName == nil && mark.deviceId == nil ? "" : (vi ? " (thiết bị \(device) đã ký)" : " (signed by device \(device))")
            let others = mark.fields.filter { $0 != "bytes" }
            let also = others.isEmpty ? "" : (vi ? "; cả \(others.joined(separator: ", ")) cũng khác bản đã ký" : "; \(others.joined(separator: ", ")) also differ from what was signed")
            return vi ? "[CẢNH BÁO: máy chủ gửi ảnh có nội dung băm ra \(received)…, khác SHA-256 trong bản ghi\(signer)\(also); ảnh đã bị sửa trên máy chủ, máy này đã loại bỏ]"
                      : "[WARNING: the relay served bytes that hash to \(received)…, not the SHA-256 of the record\(signer)\(also); the photo was changed on the relay and this device discarded it]"
        case .altered:
            let fields = mark.fields.joined(separator: ", ")
            return vi ? "[CẢNH BÁO: \(fields) khác với bản thiết bị \(device) đã ký\(version); dữ liệu đã bị sửa sau khi ký]"
                      : "[WARNING: \(fields) differ from what device \(device) signed\(version); the record was changed after signing]"
        case .badSignature:
            return vi ? "[CẢNH BÁO: chữ ký của thiết bị \(device) không khớp nội dung\(version); dữ liệu đã bị sửa sau khi ký]"
                      : "[WARNING: the signature of device \(device) does not match the content\(version); it was changed after signing]"
        case .unknownKey:
            return vi ? "[CẢNH BÁO: ký bằng khóa \(mark.keyId ?? "?") mà máy này không biết (thiết bị \(device)); chưa thể xác thực]"
                      : "[WARNING: signed with key \(mark.keyId ?? "?"), unknown to this device (device \(device)); cannot be verified]"
        case .unsigned:
            return vi ? "[không có chữ ký: thiết bị \(device) dùng phiên bản ứng dụng trước khi có khóa ký]"
                      : "[unsigned: device \(device) ran an app from before signing keys]"
        case .notHeld:
            return vi ? "[chưa xác thực: máy này chưa có bản ký từ máy chủ (chưa đồng bộ)]"
                      : "[not verified: no signed copy from the relay on this device yet (not synced)]"
        }
    }

    func item(_ item: EvidenceMark.Item) -> String {
        switch item {
        case .verification: vi ? "xác minh" : "verification"
        case .photo: vi ? "ảnh" : "photo"
        case .step: vi ? "bước xử lý" : "workflow step"
        }
    }

    /// One break of a bundle, in words.
    func bundleBreak(_ item: BundleBreak) -> String {
        switch item {
        case .evidence(let mark):
            return "\(self.item(mark.item)) \(mark.recordId): " + self.mark(mark)
        case .unreadableEntry(let version):
            return vi ? "mục nhật ký \(version): thao tác lưu trong gói không đọc được hoặc không thuộc phản ánh này"
                      : "log entry \(version): the stored operation cannot be read or is not of this report"
        case .chainLink(let version):
            return vi ? "mục nhật ký \(version): mã băm chuỗi không khớp điểm kiểm tra máy chủ đã ký; dòng nhật ký đã bị sửa"
                      : "log entry \(version): its chain hash does not match the relay's signed checkpoint; the log row was changed"
        case .checkpointSignature(let version):
            return vi ? "điểm kiểm tra \(version): chữ ký không khớp khóa của máy chủ trong gói"
                      : "checkpoint \(version): its signature does not match the relay key in the bundle"
        case .photoMissing(let fileName, let sha256):
            return vi ? "ảnh \(fileName) (\(sha256.prefix(12))…): không có trong gói"
                      : "photo \(fileName) (\(sha256.prefix(12))…): not in the bundle"
        case .photoBytes(let fileName, let sha256, let actual):
            return vi ? "ảnh \(fileName): nội dung băm ra \(actual.prefix(12))…, khác SHA-256 đã ký \(sha256.prefix(12))…; ảnh đã bị sửa"
                      : "photo \(fileName): its bytes hash to \(actual.prefix(12))…, not the signed SHA-256 \(sha256.prefix(12))…; the photo was changed"
        }
    }
}

extension EvidenceLabels {
    /// The evidence section of `onsite show`: each verification, photo and workflow step with its mark.
    func printMarks(_ marks: [EvidenceMark], of record: ReportRecord, labels: ReportLabels) {
        guard !marks.isEmpty else { return }
        print("  " + (vi ? "Chữ ký bằng chứng:" : "Evidence signatures:"))
        for mark in marks {
            let what: String
            switch mark.item {
            case .verification:
                let visited = record.verifications.first { $0.id == mark.recordId }.map { labels.time.dateTime($0.visitedAt) } ?? ""
                what = "\(item(.verification)) \(visited)"
            case .photo:
                what = "\(item(.photo)) \(record.attachments.first { $0.id == mark.recordId }?.fileName ?? mark.recordId.uuidString)"
            case .step:
                what = "\(item(.step)) " + (record.events.first { $0.id == mark.recordId }.map { labels.event($0, units: nil) } ?? mark.recordId.uuidString)
            }
            print("    \(what): \(self.mark(mark))")
        }
    }
}
