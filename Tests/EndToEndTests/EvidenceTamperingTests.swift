import Foundation
import GRDB
import OnSiteClient
import OnSiteCore
import OnSitePostgresTesting
import OnSiteRelayProcess
import OnSiteSync
import Testing

/// Issue 14's tampering cases end to end: a real relay process, its SQLite database and blob folder edited with
/// the relay stopped; then `onsite-relay audit` names the break, `onsite show` on a device that pulls afterwards
/// flags it, and `onsite evidence verify` refuses a bundle exported after the tampering, or tampered after export.
@Suite("Evidence tampering", .serialized)
struct EvidenceTamperingTests {
    /// A relay with the sample reports, and officer Lan's signed verification of DB-2024-00101 with a photo.
    struct World {
        let relay: RelayProcess
        let parent: URL
        let lan: FieldDevice
        let reportId: String
        let photoHash: String

        /// - Parameter store: a `postgresql://` URL for the relay's store; nil keeps `relay.sqlite` in its data folder.
        init(store: String? = nil) throws {
            relay = try RelayProcess(extraConfiguration: store.map { "\"store\": \"\($0)\"" } ?? "")
            parent = relay.folder
            let hubToken = try relay.addDevice(role: "hub", name: "IOC", units: ["dien-bien"])
            let lanToken = try relay.addDevice(role: "officer", name: "Lò Thị Lan", units: ["phuong-muong-thanh"])
            try relay.start()
            let hub = FieldDevice(name: "hub", in: parent)
            try hub.enroll(with: relay, token: hubToken)
            guard try hub.onsite("import", sampleReportsFile).status == 0 else { throw E2EError("import failed") }
            try hub.sync()
            lan = FieldDevice(name: "lan", in: parent)
            try lan.enroll(with: relay, token: lanToken)
            try lan.sync()
            let photo = SamplePhotos.path("dbp-site-1.jpg")
            photoHash = try SamplePhotos.sha256(photo)
            let verified = try lan.onsite("verify", "DB-2024-00101", "--finding", "partly_confirmed", "--lat", "21.3866", "--lon", "103.0171",
                                          "--notes", "Đã kiểm tra", "--photo", photo)
            guard verified.status == 0 else { throw E2EError("verify failed: \(verified.combined)") }
            try lan.sync()
            reportId = "DB-2024-00101"
        }

        /// A new supervisor device that pulls everything now.
        func supervisor(_ name: String) throws -> FieldDevice {
            let device = FieldDevice(name: name, in: parent)
            try device.enroll(with: relay, token: try relay.addDevice(role: "supervisor", name: "Sở \(name)", units: ["dien-bien"]))
            // Records first; photos too, where one altered on the relay is refused at download (the sync says so).
            try device.sync()
            try device.onsite("sync", "--photos")
            return device
        }

        /// Stops the relay, runs `edit` on its database, starts it again.
        func tamper(_ edit: (Database) throws -> Void) throws {
            relay.stop()
            let queue = try DatabaseQueue(path: relay.folder.appendingPathComponent("data/relay.sqlite").path)
            try queue.write(edit)
            try queue.close()
            try relay.start()
        }

        func audit() throws -> CommandResult { try run(Binaries.relay, ["audit", "--config", relay.config.path]) }

        func export(from device: FieldDevice, _ name: String) throws -> (CommandResult, String) {
            let path = parent.appendingPathComponent(name).path
            return (try device.onsite("evidence", "export", reportId, "--to", path, "--lang", "en"), path)
        }

        func verify(_ path: String) throws -> CommandResult { try run(Binaries.client, ["evidence", "verify", path, "--lang", "en"]) }

        /// The stored record of the report, decoded, edited and stored again.
        static func editState(_ db: Database, _ change: (inout ReportRecord) -> Void) throws {
            let rows = try Row.fetchAll(db, sql: "SELECT id, state FROM report WHERE length(state) > 0")
            let found = try rows.compactMap { row -> (String, ReportRecord)? in
                let record = try WireCoding.decode(ReportRecord.self, from: row["state"] as Data)
                return record.report.code == "DB-2024-00101" ? (row["id"], record) : nil
            }.first
            let (id, stored) = try #require(found)
            var record = stored
            change(&record)
            try db.execute(sql: "UPDATE report SET state = ? WHERE id = ?", arguments: [try WireCoding.encode(record), id])
        }
    }

    @Test("untouched: show marks the verification and photo verified by Lò Thị Lan; the bundle verifies offline (exit 0)")
    func untouched() throws {
        let world = try World()
        let supervisor = try world.supervisor("a")
        let shown = try supervisor.onsite("show", world.reportId, "--lang", "en")
        #expect(shown.output.contains("[verified: signed by device Lò Thị Lan"), "\(shown.combined)")
        #expect(!shown.output.contains("WARNING"), "\(shown.combined)")
        // Workflow steps are named in words, as in the history, not by their action codes
        #expect(!shown.output.contains("workflow step transition:"), "\(shown.combined)")
        let vietnamese = try supervisor.onsite("show", world.reportId)
        #expect(vietnamese.output.contains("[đã xác thực: ký bởi thiết bị Lò Thị Lan"))
        let json = try supervisor.onsite("show", world.reportId, "--json")
        #expect(json.output.contains("\"state\" : \"verified\""), "\(json.combined)")
        let (exported, path) = try world.export(from: supervisor, "untouched.onsite-evidence")
        #expect(exported.status == 0, "\(exported.combined)")
        world.relay.stop()
        let verified = try world.verify(path)
        #expect(verified.status == 0, "\(verified.combined)")
        #expect(verified.output.contains("VERIFIED"))
        #expect(verified.output.contains("1 photos match"))
        #expect(try world.audit().status == 0)
    }

    @Test("a finding and a position edited in the relay's stored report: audit names them, show flags them, verify refuses")
    func findingAndPositionInState() throws {
        let world = try World()
        try world.tamper { db in
            try World.editState(db) { record in
                record.verifications[0].finding = .confirmed
                record.verifications[0].position = GeoPoint(latitude: 21.4, longitude: 103.02)
            }
        }
        let audit = try world.audit()
        #expect(audit.status == 1)
        #expect(audit.output.contains("finding (confirmed, signed partly_confirmed), position differ"), "\(audit.combined)")
        let supervisor = try world.supervisor("b")
        let shown = try supervisor.onsite("show", world.reportId, "--lang", "en")
        #expect(shown.output.contains("[WARNING: finding, position differ from what device Lò Thị Lan"), "\(shown.combined)")
        let (exported, path) = try world.export(from: supervisor, "state.onsite-evidence")
        #expect(exported.status == 0, "\(exported.combined)")
        let verified = try world.verify(path)
        #expect(verified.status == 1)
        #expect(verified.output.contains("REFUSED: verification"), "\(verified.combined)")
        #expect(verified.output.contains("finding, position differ"))
    }

    @Test("a finding edited in the relay's log row: audit breaks the chain there, show flags the signature, verify refuses")
    func findingInLogRow() throws {
        let world = try World()
        try world.tamper { db in
            try db.execute(sql: """
                UPDATE log SET operation = CAST(replace(CAST(operation AS TEXT), 'partly_confirmed', 'confirmed') AS BLOB)
                WHERE CAST(operation AS TEXT) LIKE '%add_verification%'
                """)
        }
        let audit = try world.audit()
        #expect(audit.status == 1)
        #expect(audit.output.contains("FIRST BREAK: log version"), "\(audit.combined)")
        #expect(audit.output.contains("the chain hash does not follow"))
        let supervisor = try world.supervisor("c")
        let shown = try supervisor.onsite("show", world.reportId, "--lang", "en")
        #expect(shown.output.contains("[WARNING: the signature of device Lò Thị Lan"), "\(shown.combined)")
        let (exported, path) = try world.export(from: supervisor, "log.onsite-evidence")
        #expect(exported.status == 0, "\(exported.combined)")
        let verified = try world.verify(path)
        #expect(verified.status == 1)
        #expect(verified.output.contains("its chain hash does not match the relay's signed checkpoint"), "\(verified.combined)")
    }

    @Test("a photo byte changed in the relay's blob store: audit names the blob, the sync refuses it and show flags it, verify refuses the bundle that lacks it")
    func photoByte() throws {
        let world = try World()
        world.relay.stop()
        let blob = world.relay.folder.appendingPathComponent("data/blobs/\(world.photoHash.prefix(2))/\(world.photoHash)")
        var bytes = try Data(contentsOf: blob)
        let original = bytes
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: blob)
        try world.relay.start()
        let audit = try world.audit()
        #expect(audit.status == 1)
        #expect(audit.output.contains("photo"), "\(audit.combined)")
        #expect(audit.output.contains("its bytes were changed"))
        let supervisor = try world.supervisor("d")
        // The photo sync refuses the altered bytes and says which photo, and what they hashed to
        let photos = try supervisor.onsite("sync", "--photos")
        #expect(photos.status != 0, "\(photos.combined)")
        #expect(photos.combined.contains("do not match their records"), "\(photos.combined)")
        // show flags the photo (its signature still verifies: the bytes are what changed), in words and in JSON
        let shown = try supervisor.onsite("show", world.reportId, "--lang", "en")
        #expect(shown.output.contains("[WARNING: the relay served bytes that hash to"), "\(shown.combined)")
        #expect(shown.output.contains("the photo was changed on the relay"))
        let vietnamese = try supervisor.onsite("show", world.reportId)
        #expect(vietnamese.output.contains("ảnh đã bị sửa trên máy chủ"), "\(vietnamese.combined)")
        let json = try supervisor.onsite("show", world.reportId, "--json")
        #expect(json.output.contains("\"state\" : \"altered\""), "\(json.combined)")
        #expect(json.output.contains("\"receivedSha256\""))
        // The verification and the workflow steps are untouched: still verified
        #expect(shown.output.contains("[verified: signed by device Lò Thị Lan"))
        let (exported, path) = try world.export(from: supervisor, "photo.onsite-evidence")
        #expect(exported.status == 0, "\(exported.combined)")
        #expect(exported.output.contains("Missing photo"), "\(exported.combined)")
        let verified = try world.verify(path)
        #expect(verified.status == 1)
        #expect(verified.output.contains("not in the bundle"), "\(verified.combined)")
        // When the operator puts the right bytes back, the next photo sync fetches them and the flag goes
        world.relay.stop()
        try original.write(to: blob)
        try world.relay.start()
        let healed = try supervisor.onsite("sync", "--photos")
        #expect(healed.status == 0, "\(healed.combined)")
        let after = try supervisor.onsite("show", world.reportId, "--lang", "en")
        #expect(!after.output.contains("WARNING"), "\(after.combined)")
    }

    @Test("a bundle tampered after export: a photo byte, a position in its record: verify refuses; a hostile header is refused clearly")
    func bundleTamperedAfterExport() throws {
        let world = try World()
        let supervisor = try world.supervisor("e")
        let (exported, path) = try world.export(from: supervisor, "after.onsite-evidence")
        #expect(exported.status == 0, "\(exported.combined)")
        world.relay.stop()
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        // A photo byte: the last member before the end marker is the photo; flip a byte in its middle.
        var photoEdited = original
        let photo = try Data(contentsOf: URL(fileURLWithPath: SamplePhotos.path("dbp-site-1.jpg")))
        let start = try #require(original.range(of: photo.prefix(64))).lowerBound
        photoEdited[start + photo.count / 2] ^= 0x01
        let photoPath = path + ".photo"
        try photoEdited.write(to: URL(fileURLWithPath: photoPath))
        let photoRefused = try world.verify(photoPath)
        #expect(photoRefused.status == 1)
        #expect(photoRefused.output.contains("its bytes hash to"), "\(photoRefused.combined)")
        // A position digit in the record (same length, so the archive's sizes still hold)
        let text = try #require(String(data: original, encoding: .isoLatin1))
        let positionPath = path + ".position"
        try #require(text.contains("103.0171"))
        try #require(text.replacingOccurrences(of: "103.0171", with: "103.0179").data(using: .isoLatin1)).write(to: URL(fileURLWithPath: positionPath))
        let positionRefused = try world.verify(positionPath)
        #expect(positionRefused.status == 1)
        #expect(positionRefused.output.contains("position differ"), "\(positionRefused.combined)")
        // A header whose size runs past the end of the file
        var hostile = original
        hostile.removeLast(original.count / 2)
        let hostilePath = path + ".cut"
        try hostile.write(to: URL(fileURLWithPath: hostilePath))
        let cut = try world.verify(hostilePath)
        #expect(cut.status == 1)
        #expect(cut.combined.contains("The bundle was refused"), "\(cut.combined)")
    }

    @Test("on a PostgreSQL store, with the relay running: audit prints intact; a finding edited in the log (psql) is the first break, at its version")
    func postgresStore() async throws {
        // Given: the relay on a fresh PostgreSQL database, Lan's signed verification and photo pushed through it
        let url = try await PostgresTestCluster.freshDatabaseURL()
        let world = try World(store: url)

        // When: audit runs beside the running relay
        let clean = try world.audit()

        // Then: intact, with the signatures, the records and the photo's bytes checked
        #expect(clean.status == 0, "\(clean.combined)")
        #expect(clean.output.contains("intact: no break"), "\(clean.combined)")
        #expect(clean.output.contains("photo blobs: 1"), "\(clean.combined)")
        #expect(!clean.output.contains("signatures not checked"), "the shared data folder's relay key is read")

        // When: the verification's finding is edited in its log row, straight in the database
        let psql = try #require(PostgresPrograms.folder(having: "psql"), "psql is not installed")
        let edited = try run(URL(fileURLWithPath: psql + "/psql"), ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-At", "-c", """
            UPDATE log SET operation = convert_to(replace(convert_from(operation, 'UTF8'), 'partly_confirmed', 'confirmed'), 'UTF8')
            WHERE convert_from(operation, 'UTF8') LIKE '%add_verification%' RETURNING version
            """])
        let version = try #require(Int(edited.output.trimmingCharacters(in: .whitespacesAndNewlines)), "\(edited.combined)")

        // Then: audit exits 1 and names that version's chain break first, with the bad signature after it
        let audit = try world.audit()
        #expect(audit.status == 1, "\(audit.combined)")
        #expect(audit.output.contains("FIRST BREAK: log version \(version) (add_verification on report"), "\(audit.combined)")
        #expect(audit.output.contains("the chain hash does not follow"))
        #expect(audit.output.contains("bad_signature"))
    }
}
