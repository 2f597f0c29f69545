import Foundation
import GRDB
import OnSiteClient
import OnSiteSync
import Testing

/// Every error a command can meet reads as a sentence with what to do: never `SQLite error 14` or
/// `NSCocoaErrorDomain`.
@Suite("Failure explanations")
struct FailureExplanationTests {
    static let folder = URL(fileURLWithPath: "/srv/onsite/lan")

    @Test("SQLite failures name the replica and what to do", arguments: [
        (ResultCode.SQLITE_BUSY, "busy", true), (.SQLITE_LOCKED, "busy", true), (.SQLITE_FULL, "full", false),
        (.SQLITE_READONLY, "read-only", false), (.SQLITE_CANTOPEN, "cannot be opened", false), (.SQLITE_CORRUPT, "damaged", false),
        (.SQLITE_NOTADB, "damaged", false), (.SQLITE_IOERR_WRITE, "I/O error", false), (.SQLITE_PERM, "read-only", false),
    ])
    func database(code: ResultCode, says: String, temporary: Bool) {
        let failure = FailureExplanation(DatabaseError(resultCode: code), replica: Self.folder)
        #expect(failure.sentence.contains(says), "\(failure)")
        #expect(failure.sentence.contains("/srv/onsite/lan"))
        #expect(!failure.sentence.contains("SQLite error"))
        #expect(failure.isTemporary == temporary)
    }

    @Test("file-system failures name the file and the fix", arguments: [
        (CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: "/tmp/ca.pem"]) as any Error, "There is no `/tmp/ca.pem`"),
        (CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: "/srv/x"]), "no permission"),
        (CocoaError(.fileWriteOutOfSpace), "disk is full"),
        (CocoaError(.fileWriteVolumeReadOnly, userInfo: [NSFilePathErrorKey: "/srv/x"]), "read-only disk"),
        (POSIXError(.EACCES), "No permission"), (POSIXError(.ENOSPC), "disk is full"), (POSIXError(.ENOENT), "There is no"),
        (NSError(domain: NSPOSIXErrorDomain, code: Int(EROFS)), "read-only disk"),
    ])
    func files(error: any Error, says: String) {
        let failure = FailureExplanation(error)
        #expect(failure.sentence.contains(says), "\(failure)")
        #expect(!failure.sentence.contains("NSCocoaErrorDomain") && !failure.sentence.contains("Error Domain"))
    }

    @Test("data the replica cannot decode names the key and suggests an update")
    func decoding() throws {
        struct Shape: Decodable { var cursor: Int }
        do {
            _ = try JSONDecoder().decode(Shape.self, from: Data(#"{"cursor":"x"}"#.utf8))
            Issue.record("decoded")
        } catch {
            let failure = FailureExplanation(error, replica: Self.folder)
            #expect(failure.sentence.contains("`cursor`") && failure.sentence.contains("update onsite"), "\(failure)")
        }
    }

    @Test("client errors keep their sentence; an unreachable relay is temporary")
    func clientErrors() {
        #expect(FailureExplanation(ClientError.notEnrolled).sentence == ClientError.notEnrolled.description)
        #expect(FailureExplanation(ClientError.unreachable("timeout", pending: 2)).isTemporary)
        #expect(!FailureExplanation(ClientError.noReplica("/x")).isTemporary)
    }

    @Test("a corrupt replica file and a missing one read as sentences when opened")
    func opening() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("onsite-corrupt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: ClientError.noReplica(folder.path)) { try FieldClient(opening: folder) }
        try Data(repeating: 0x42, count: 8192).write(to: folder.appendingPathComponent("replica.sqlite"))
        do {
            _ = try FieldClient(opening: folder)
            Issue.record("a corrupt replica opened")
        } catch {
            #expect(FailureExplanation(error, replica: folder).sentence.contains("is damaged"), "\(error)")
        }
    }
}
