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
}
