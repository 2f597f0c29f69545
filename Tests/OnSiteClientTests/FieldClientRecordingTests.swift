import Foundation
import OnSiteClient
import OnSiteClientTesting
import OnSiteCore
import OnSiteSync
import Testing

/// The use cases of recording work, in process against a real relay store: every rule `onsite` used to hold.
@Suite("FieldClient: recording work")
struct FieldClientRecordingTests {
    @Test("a note is signed with the device's name, in NFC, and queued; an unknown report is named")
    func note() async throws {
        let bench = try FieldBench()
        defer { bench.remove() }
        let (_, lan, _) = try await bench.twoOfficers()
        // When Lan adds a note typed in decomposed form
        let note = try await lan.client.addNote("Đã đặt biển cảnh báo".decomposedStringWithCanonicalMapping, to: "DB-2024-00101")
        // Then it is hers, in NFC, and waits for the next sync
        #expect(note.author == "Lan")
        #expect(note.text.unicodeScalars.elementsEqual("Đã đặt biển cảnh báo".precomposedStringWithCanonicalMapping.unicodeScalars))
        #expect(try await lan.client.status().sync.pendingOperations == 1)
        await #expect(throws: ClientError.unknownReport("DB-9999")) { try await lan.client.addNote("…", to: "DB-9999") }
    }

    @Test("field values read as the field takes them", arguments: [
        ("yes", ReportField.isUrgent, FieldValue.flag(true)), ("có", .isUrgent, .flag(true)), ("không", .isUrgent, .flag(false)),
        ("21.386, 103.017", .location, .point(GeoPoint(latitude: 21.386, longitude: 103.017))), ("", .location, .null),
        ("", .assignedUnit, .null), ("phuong-him-lam", .assignedUnit, .text("phuong-him-lam")), ("Tổ 9", .address, .text("Tổ 9")),
    ])
    func fieldValues(text: String, field: ReportField, value: FieldValue) throws {
        #expect(try FieldValue.parse(text, for: field) == value)
    }

    @Test("a value that does not fit its field is refused with the form it takes", arguments: [
        ("maybe", ReportField.isUrgent, "yes or no"), ("near the bridge", .location, "LATITUDE,LONGITUDE"), ("21.3", .location, "LATITUDE,LONGITUDE"),
    ])
    func badFieldValues(text: String, field: ReportField, says: String) {
        #expect(throws: ClientError.self) { try FieldValue.parse(text, for: field) }
        do { _ = try FieldValue.parse(text, for: field) } catch { #expect(error.description.contains(says)) }
    }

    @Test("a field edit is queued; the hub-only fields and empty texts are refused and nothing is queued")
    func fieldEdit() async throws {
        let bench = try FieldBench()
        defer { bench.remove() }
        let (_, lan, _) = try await bench.twoOfficers()
        try await lan.client.setField(.address, to: "Tổ 9, sau chợ", on: "DB-2024-00102")
        #expect(try await lan.client.replica.report("DB-2024-00102").record.report.address == "Tổ 9, sau chợ")
        for (field, text, says) in [(ReportField.assignedUnit, "phuong-him-lam", "Only the hub"), (.address, "   ", "cannot be empty")] {
            do {
                try await lan.client.setField(field, to: text, on: "DB-2024-00102")
                Issue.record("\(field) \"\(text)\" was accepted")
            } catch let error as ClientError {
                #expect(error.description.contains(says), "\(error)")
            }
        }
        #expect(try await lan.client.status().sync.pendingOperations == 1)
    }

    @Test("a verification checks its position and time, and is recorded with a rounded visit time", arguments: [
        (VerificationRequest(finding: .confirmed, latitude: 21.3), "Give both --lat and --lon"),
        (VerificationRequest(finding: .confirmed, latitude: 200, longitude: 103), "--lat must be within"),
        (VerificationRequest(finding: .confirmed, visitedAt: "yesterday"), "--visited-at"),
    ])
    func verificationInputs(request: VerificationRequest, says: String) async throws {
        #expect(throws: ClientError.self) { try request.check() }
        let bench = try FieldBench()
        defer { bench.remove() }
        let (_, lan, _) = try await bench.twoOfficers()
        do {
            _ = try await lan.client.verify("DB-2024-00101", request)
            Issue.record("accepted")
        } catch let error as ClientError {
            #expect(error.description.contains(says))
        }
        #expect(try await lan.client.status().sync.pendingOperations == 0)
    }

    @Test("a verification with a photo queues the record, the attachment and the upload together")
    func verificationWithPhoto() async throws {
        let bench = try FieldBench()
        defer { bench.remove() }
        let (_, lan, _) = try await bench.twoOfficers()
        let request = VerificationRequest(
            finding: .partlyConfirmed, notes: "Ổ gà sâu", latitude: 21.3866, longitude: 103.0171, visitedAt: "2024-04-18T09:30:00.1234+07:00",
            photos: [SampleFiles.photos.appendingPathComponent("dbp-site-1.jpg").path])
        let recorded = try await lan.client.verify("DB-2024-00101", request)
        #expect(recorded.verification.officer == "Lan")
        #expect(recorded.verification.visitedAt == WireDate.parse("2024-04-18T02:30:00.123Z"))
        #expect(recorded.photos.count == 1 && recorded.photos[0].attachment.verificationId == recorded.verification.id)
        #expect(try await lan.client.status().photos.pendingPhotos == 1)
        #expect(try await lan.client.status().sync.pendingOperations == 2)
    }

    @Test("a photo's warnings read back with the distance threshold it was checked with, not the default")
    func photoThresholdKept() async throws {
        let bench = try FieldBench()
        defer { bench.remove() }
        let (_, lan, _) = try await bench.twoOfficers()
        // Given a checker that warns beyond 100 m, and a photo taken about 200 m from the site of DB-2024-00101
        var client = lan.client
        client.photoChecker = PhotoChecker(configuration: .init(farThreshold: 100))
        let prepared = try await client.attach(photos: [SampleFiles.photos.appendingPathComponent("dbp-site-2.jpg").path], to: "DB-2024-00101")
        // Then the warning at recording and the one rebuilt from the record say the same
        let warning = try #require(prepared.first?.check.warnings.first)
        #expect(warning.code == .farFromSite && warning.threshold == 100)
        let record = try await client.replica.report("DB-2024-00101").record
        let capture = try #require(record.attachments.first?.capture)
        #expect(capture.farThreshold == 100)
        #expect(capture.photoWarnings == [warning])
        // And a record made before the threshold was kept reads with the default
        var old = capture
        old.farThreshold = nil
        #expect(old.photoWarnings.first?.threshold == PhotoChecker.Configuration().farThreshold)
    }

    @Test("attaching needs a photo, and a file that is not a JPEG leaves nothing")
    func attachInputs() async throws {
        let bench = try FieldBench()
        defer { bench.remove() }
        let (_, lan, _) = try await bench.twoOfficers()
        await #expect(throws: ClientError.invalidInput("Give at least one --photo FILE.")) {
            try await lan.client.attach(photos: [], to: "DB-2024-00101")
        }
        await #expect(throws: ClientError.self) {
            try await lan.client.attach(photos: [SampleFiles.reports.path], to: "DB-2024-00101")
        }
        #expect(try await lan.client.status().photos.pendingPhotos == 0)
    }

    @Test("a workflow step names the input it lacks", arguments: [
        (WorkflowRequest(.returnToHub), "--reason"), (WorkflowRequest(.forward), "--unit"), (WorkflowRequest(.requestInformation), "--missing"),
        (WorkflowRequest(.markDuplicate), "--duplicate-of"), (WorkflowRequest(.postExtension), "--new-date"), (WorkflowRequest(.submitResult), "--summary"),
        (WorkflowRequest(.rate), "--rating"), (WorkflowRequest(.hide), "--reason"),
    ])
    func workflowInputs(request: WorkflowRequest, says: String) {
        do {
            _ = try request.makeAction()
            Issue.record("\(request.kind) was accepted")
        } catch {
            #expect(error.description.contains(says), "\(error)")
        }
    }

    @Test("a workflow step is taken from the status this replica shows, as the device's role; the workflow refuses the rest")
    func workflowStep() async throws {
        let bench = try FieldBench()
        defer { bench.remove() }
        let (_, lan, _) = try await bench.twoOfficers()
        var accept = WorkflowRequest(.accept)
        let step = try await lan.client.act(accept, on: "DB-2024-00101")
        #expect(step.reportCode == "DB-2024-00101" && step.from == .forwarded && step.to == .accepted)
        // An officer may not approve
        accept.kind = .approve
        await #expect(throws: ClientError.self) { try await lan.client.act(accept, on: "DB-2024-00101") }
        var extend = WorkflowRequest(.postExtension)
        extend.newDate = "2024-04-30T17:00:00+07:00"
        extend.reason = "Chờ vật tư"
        let extended = try await lan.client.act(extend, on: "DB-2024-00101")
        #expect(extended.from == .accepted && extended.to == .accepted)
    }

    @Test("an import that cannot be read names the file and queues nothing")
    func importAtomic() async throws {
        let bench = try FieldBench()
        defer { bench.remove() }
        let hub = try await bench.enroll("hub", role: .hub, units: [FieldBench.province])
        do {
            _ = try await hub.client.importReports(from: SampleFiles.folder.appendingPathComponent("units.json"))
            Issue.record("units.json imported as reports")
        } catch let error as ClientError {
            #expect(error.description.contains("units.json") && error.description.contains("Nothing was imported"))
        }
        #expect(try await hub.client.status().sync.pendingOperations == 0)
        let queued = try await hub.client.importReports(from: SampleFiles.reports)
        #expect(queued.reports == 8 && queued.events == 0)
    }
}
