import Foundation
import OnSiteStorage

/// Intent markers: `blobs/intents/<sha256>`, written (durably) before an imported photo is published under its hash,
/// and removed once the commit that records it has succeeded or failed.
///
/// A process killed between the publish and the end of its commit leaves its marker behind. Only such photos are
/// candidates for the start-up sweep (``Replica/sweepAbandonedImports(olderThan:)``): a blob with no marker is never
/// deleted by it, so a replica database made anew next to an old `blobs/` folder keeps every photo of the old work.
extension BlobStore {
    var intentsDirectory: URL { directory.appendingPathComponent("intents") }

    func intentPath(for sha256: String) -> String { intentsDirectory.appendingPathComponent(sha256).path }

    /// Marks that `sha256` is about to be published by an import whose commit has not happened yet.
    ///
    /// - Throws: ``ClientError/invalidInput(_:)`` when the marker cannot be written (the photo is then not published).
    func markImportIntent(_ sha256: String) throws {
        do {
            try FileManager.default.createDirectory(at: intentsDirectory, withIntermediateDirectories: true)
            try DurableFile.write(Data(), to: intentPath(for: sha256))
        } catch let failure as FileFailure {
            throw ClientError.invalidInput(failure.description)
        } catch {
            throw ClientError.invalidInput(FileFailure("create the folder", intentsDirectory.path).description)
        }
    }

    /// Removes the markers of imports whose commit is over (recorded, or failed and cleaned up).
    public func clearImportIntents(_ hashes: [String]) {
        for sha256 in Set(hashes) { unlink(intentPath(for: sha256)) }
    }

    /// The hashes whose marker is older than `date` (an import in progress in another `onsite` process is younger).
    func abandonedImportIntents(olderThan date: Date) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: intentsDirectory.path) else { return [] }
        return names.filter { name in
            guard name.count == 64, name.allSatisfy(\.isHexDigit),
                  let modified = (try? FileManager.default.attributesOfItem(atPath: intentPath(for: name)))?[.modificationDate] as? Date
            else { return false }
            return modified < date
        }
    }
}
