import Foundation
import OnSiteStorage

/// A folder of content-addressed blobs laid out as the relay's `blobs/` (`<aa>/<sha256>`): a backup's blob folder.
enum BlobFolder {
    static func path(of sha256: String, in folder: String) -> String {
        URL(fileURLWithPath: folder).appendingPathComponent(String(sha256.prefix(2))).appendingPathComponent(sha256).path
    }

    /// Copies a blob to `target` through a temporary file, fsynced and renamed, unless `target` exists (a blob never
    /// changes, so one that exists is the same bytes). Returns the bytes copied.
    static func copy(_ source: String, to target: String) throws -> Int64 {
        guard !FileManager.default.fileExists(atPath: target) else { return 0 }
        let folder = (target as NSString).deletingLastPathComponent
        let temporary = target + ".partial"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try? FileManager.default.removeItem(atPath: temporary)
            try FileManager.default.copyItem(atPath: source, toPath: temporary)
            try DurableFile.move(temporary, to: target)
        } catch let failure as FileFailure {
            throw RelayBackupError.file(failure)
        } catch {
            throw RelayBackupError.file(FileFailure("copy \(source) to", target))
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: target)[.size] as? Int64) ?? nil
        return size ?? 0
    }

    /// Every blob hash in a blob folder (files named by 64 hex digits inside two-digit folders).
    static func hashes(in folder: String) -> [String] {
        guard let prefixes = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var hashes: [String] = []
        for prefix in prefixes.sorted() where prefix.count == 2 {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder + "/" + prefix)) ?? []
            hashes += names.filter { $0.count == 64 && $0.hasPrefix(prefix) && $0.allSatisfy(\.isHexDigit) }.sorted()
        }
        return hashes
    }
}
