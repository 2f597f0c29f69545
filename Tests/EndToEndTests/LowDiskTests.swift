import Foundation
import OnSiteRelayProcess
import Testing

/// The client on a full disk: what only reads keeps working.
///
/// A full disk is simulated per process with `ulimit -f 0` (RLIMIT_FSIZE): no file of the process may grow, as when
/// not one block is free, while SIGXFSZ is ignored so a write fails (EFBIG) instead of killing it. Output goes through
/// a pipe, which the limit does not cover.
@Suite("End to end: a full disk on the device", .serialized)
struct LowDiskTests {
    /// Runs `onsite <arguments>` unable to grow any file; returns its exit status and its output and errors.
    func onsiteOnFullDisk(_ device: FieldDevice, _ arguments: String...) throws -> (status: Int32, text: String) {
        let script = #"{ (trap "" XFSZ; ulimit -f 0; exec "$0" "$@"); echo "exit=$?" >&2; } 2>&1 | cat"#
        let result = try run(URL(fileURLWithPath: "/bin/sh"), ["-c", script, Binaries.client.path] + arguments + ["--replica", device.folder.path])
        let lines = result.combined.split(separator: "\n")
        let status = lines.last { $0.hasPrefix("exit=") }.flatMap { Int32($0.dropFirst(5)) } ?? -1
        return (status, result.combined)
    }

    @Test("status, list and show work with no byte free; a write fails plainly and changes nothing")
    func readOnlyCommandsOnFullDisk() async throws {
        // Given an officer with the ward's reports and a pending note
        let (relay, _) = try Seeded.relay()
        let lan = try Seeded.officer("lan", on: relay)
        try #require(try lan.onsite("note", "DB-2024-00101", "Trước khi đầy đĩa").status == 0)

        // When the disk has no byte free, the read-only commands still answer
        let status = try onsiteOnFullDisk(lan, "status")
        #expect(status.status == 0, "\(status.text)")
        #expect(status.text.contains("Relay:") && status.text.contains(relay.url), "\(status.text)")
        let list = try onsiteOnFullDisk(lan, "list")
        #expect(list.status == 0 && list.text.contains("DB-2024-00101"), "\(list.text)")
        let show = try onsiteOnFullDisk(lan, "show", "DB-2024-00101")
        #expect(show.status == 0 && show.text.contains("Trước khi đầy đĩa"), "\(show.text)")

        // And a command that writes fails with a sentence about the disk, keeping what was there
        let note = try onsiteOnFullDisk(lan, "note", "DB-2024-00101", "Không ghi được")
        #expect(note.status != 0, "\(note.text)")
        #expect(note.text.contains("free space") || note.text.contains("full"), "\(note.text)")
        #expect(try await lan.status().pendingOperations == 1)
    }

    /// Mounts a tmpfs of `megabytes` at a fresh folder: a real small disk, whose free space `statvfs` reports.
    /// Needs the right to mount (root, as CI runs; a clear failure otherwise). Returns the folder and its unmount.
    func smallDisk(megabytes: Int) throws -> (folder: URL, unmount: () -> Void) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("onsite-small-disk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let mounted = try run(URL(fileURLWithPath: "/bin/mount"), ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", folder.path])
        guard mounted.status == 0 else {
            throw E2EError("this test mounts a \(megabytes) MB tmpfs as a small disk and needs the right to mount (run as root): \(mounted.combined)")
        }
        return (folder, {
            _ = try? run(URL(fileURLWithPath: "/bin/umount"), [folder.path])
            try? FileManager.default.removeItem(at: folder)
        })
    }

    /// Writes zeros to `path` until the disk holding it has about `leaving` bytes free.
    func fill(_ path: URL, leaving: Int64) throws {
        var info = statvfs()
        try #require(statvfs(path.deletingLastPathComponent().path, &info) == 0)
        let free = Int64(info.f_bavail) * Int64(info.f_frsize)
        let chunk = Data(count: 1 << 20)
        FileManager.default.createFile(atPath: path.path, contents: nil)
        let handle = try FileHandle(forWritingTo: path)
        defer { try? handle.close() }
        var left = free - leaving
        while left > 0 {
            let piece = min(Int64(chunk.count), left)
            try handle.write(contentsOf: chunk.prefix(Int(piece)))
            left -= piece
        }
    }

    @Test("On a nearly full disk, a note and a photo are refused before anything is written, saying what is needed and what is free; freeing space lets them through")
    func freeSpaceIsCheckedBeforeWriting() async throws {
        // Given an officer whose replica lives on a small disk, synced, with 600 KB left free
        let (relay, _) = try Seeded.relay()
        defer { relay.stop() }
        let disk = try smallDisk(megabytes: 64)
        defer { disk.unmount() }
        let lan = FieldDevice(name: "lan", in: disk.folder)
        try lan.enroll(with: relay, token: try relay.addDevice(role: "officer", name: "Lan", units: ["phuong-muong-thanh"]))
        try lan.sync()
        let filler = disk.folder.appendingPathComponent("filler")
        try fill(filler, leaving: 600_000)
        let blobsBefore = try FileManager.default.subpathsOfDirectory(atPath: lan.folder.path).filter { $0.hasPrefix("blobs") }

        // When she writes a note and attaches a photo
        let note = try lan.onsite("note", "DB-2024-00101", "Đĩa gần đầy")
        let photo = try lan.onsite("attach", "DB-2024-00101", "--photo", SamplePhotos.folder.appendingPathComponent("dbp-site-1.jpg").path)

        // Then both are refused with the disk's sentence, and nothing was written
        #expect(note.status != 0 && photo.status != 0)
        for refused in [note, photo] {
            #expect(refused.combined.contains("The disk holding") && refused.combined.contains("free and this needs"), "\(refused.combined)")
        }
        #expect(try await lan.status().pendingOperations == 0)
        #expect(try FileManager.default.subpathsOfDirectory(atPath: lan.folder.path).filter { $0.hasPrefix("blobs") } == blobsBefore)

        // When space is freed, the same note goes through
        try FileManager.default.removeItem(at: filler)
        #expect(try lan.onsite("note", "DB-2024-00101", "Đĩa gần đầy").status == 0)
        #expect(try await lan.status().pendingOperations == 1)
    }
}
