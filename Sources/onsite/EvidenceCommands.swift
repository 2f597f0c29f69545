import ArgumentParser
import Foundation
import OnSiteClient
import OnSiteCore

/// `onsite evidence export|verify`: bundles that prove a report's evidence offline (`Protocol/evidence.md`).
struct EvidenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: "Export a report's evidence as a bundle that proves itself, or verify such a bundle offline.",
        subcommands: [ExportBundle.self, VerifyBundle.self])
}

extension EvidenceCommand {
    struct ExportBundle: AsyncParsableCommand, ReplicaCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write one file with the report, its signed evidence, the signers' keys, the photos and the relay's chain proof.",
            discussion: "Asks the relay for the proof (needs a link); `onsite evidence verify FILE` then checks it anywhere, offline.")
        @OptionGroup var replica: ReplicaOptions
        @Argument(help: "The report's id or code.") var report: String
        @Option(name: .customLong("to"), help: ArgumentHelp("The bundle file to write.", valueName: "file")) var file: String
        @Option(help: "vi (default) or en.") var lang: ReportLanguage = .vietnamese

        func run() async throws {
            let exported = try await replica.open().exportEvidence(of: report, to: file)
            let vi = lang == .vietnamese
            print(vi ? "Đã ghi \(exported.path) (\(exported.byteCount) byte): phản ánh \(exported.reportCode), \(exported.entries) thao tác đã ký, \(exported.photos) ảnh."
                     : "Wrote \(exported.path) (\(exported.byteCount) bytes): report \(exported.reportCode), \(exported.entries) signed operations, \(exported.photos) photos.")
            for attachment in exported.missingPhotos {
                print(vi ? "  Thiếu ảnh \(attachment.fileName): chưa lấy được từ máy chủ (chưa tải lên, hoặc nội dung trên máy chủ không khớp bản ghi); `verify` sẽ báo."
                         : "  Missing photo \(attachment.fileName): it could not be fetched (not uploaded yet, or its bytes on the relay do not match its record); `verify` will say so.")
            }
        }
    }

    struct VerifyBundle: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check an evidence bundle with no network and no replica: signatures, photos, chain links, the relay's checkpoints.",
            discussion: "Exit 0 when everything verifies; 1 when the bundle is refused, with the first break in words.")
        @Argument(help: "The bundle file.") var file: String
        @Option(help: "vi (default) or en.") var lang: ReportLanguage = .vietnamese

        func run() throws {
            let result = try EvidenceBundleVerifier.verify(path: file)
            let words = EvidenceLabels(language: lang)
            let vi = words.vi
            print(vi ? "Gói bằng chứng của phản ánh \(result.reportCode) (\(result.reportId))" : "Evidence bundle of report \(result.reportCode) (\(result.reportId))")
            print(vi ? "  Khóa máy chủ: \(result.relayKeyId ?? "không có")" : "  Relay key: \(result.relayKeyId ?? "none")")
            for mark in result.marks {
                print("  \(words.item(mark.item)) \(mark.recordId): \(words.mark(mark))")
            }
            print(vi ? "  \(result.linkedEntries) mục nối với điểm kiểm tra đã ký, \(result.unlinkedEntries) mục chưa có điểm kiểm tra; \(result.photosChecked) ảnh khớp SHA-256 đã ký."
                     : "  \(result.linkedEntries) entries linked to signed checkpoints, \(result.unlinkedEntries) without a checkpoint; \(result.photosChecked) photos match their signed SHA-256.")
            guard let first = result.breaks.first else {
                print(vi ? "HỢP LỆ: mọi chữ ký, ảnh và liên kết chuỗi đều khớp." : "VERIFIED: every signature, photo and chain link checks out.")
                return
            }
            print((vi ? "BỊ TỪ CHỐI: " : "REFUSED: ") + words.bundleBreak(first))
            for other in result.breaks.dropFirst() { print("  " + words.bundleBreak(other)) }
            throw Exit.refused
        }
    }
}
