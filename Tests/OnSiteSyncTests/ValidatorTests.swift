import Foundation
import OnSiteCore
import OnSiteSync
import Testing

@Suite("ChangeSetValidator")
struct ValidatorTests {
    let nfd = "Le\u{0302}\u{0301} ho\u{0323}i Va\u{0306}n ho\u{0301}a"   // "Lễ hội Văn hóa"-like text, decomposed
    var nfc: String { nfd.precomposedStringWithCanonicalMapping }

    func changeSet(_ changes: [Change], device: String = "dev-a", reportId: String = "rpt-1") -> ChangeSet {
        ChangeSet(deviceId: device, sequence: 1, baseVersion: 0, operations: changes.enumerated().map { index, change in
            SyncOperation(reportId: reportId, stamp: Fixture.stamp(0, UInt32(index), device), change: change)
        })
    }

    @Test("text in NFD is stored in NFC, in every kind of operation")
    func normalisesToNFC() throws {
        // Given decomposed Vietnamese text in a new report, a field, a note and a verification
        #expect(nfd.unicodeScalars.count > nfc.unicodeScalars.count)
        var report = Fixture.report()
        report.title = nfd
        report.description = nfd
        report.address = nfd
        let verification = Verification(reportId: "rpt-1", officer: nfd, visitedAt: Date(timeIntervalSince1970: 1_713_429_000), position: nil, finding: .confirmed, notes: nfd)
        let input = changeSet([
            .createReport(report), .setField(.address, .text(nfd)),
            .addNote(Note(author: nfd, at: Date(timeIntervalSince1970: 1_713_429_000), text: nfd)), .addVerification(verification),
        ], device: "dev-hub")
        // When validated
        let output = try ChangeSetValidator().validated(input)
        // Then every text is NFC, byte for byte
        guard case .createReport(let created) = output.operations[0].change,
              case .setField(_, .text(let address)) = output.operations[1].change,
              case .addNote(let note) = output.operations[2].change,
              case .addVerification(let checked) = output.operations[3].change
        else { Issue.record("operations changed kind"); return }
        for text in [created.title, created.description, created.address, address, note.text, note.author, checked.notes, checked.officer] {
            #expect(Array(text.unicodeScalars) == Array(nfc.unicodeScalars))
        }
        // And nothing else changed
        #expect(output.operations.map(\.id) == input.operations.map(\.id))
    }

    @Test("length limits count characters after NFC")
    func limitsCountCharacters() throws {
        // 500 characters that are 1000 scalars in NFD fit the 500-character title limit
        let title = String(repeating: "a\u{0301}", count: 500)
        #expect(title.unicodeScalars.count == 1000)
        _ = try ChangeSetValidator().validated(changeSet([.setField(.title, .text(title))]))
        #expect(throws: ChangeSetValidationError.self) {
            try ChangeSetValidator().validated(changeSet([.setField(.title, .text(title + "a"))]))
        }
    }

    @Test("a change set at the operation limit passes, one more fails")
    func operationLimit() throws {
        var limits = SyncLimits()
        limits.maxOperationsPerChangeSet = 3
        let note = { Change.addNote(Note(author: "A", at: Date(timeIntervalSince1970: 1), text: "n")) }
        _ = try ChangeSetValidator(limits: limits).validated(changeSet([note(), note(), note()]))
        do {
            _ = try ChangeSetValidator(limits: limits).validated(changeSet([note(), note(), note(), note()]))
            Issue.record("4 operations passed a limit of 3")
        } catch {
            #expect(error.code == .tooManyOperations)
        }
    }

    @Test("errors name the operation")
    func errorNamesOperation() {
        do {
            _ = try ChangeSetValidator().validated(changeSet([.setField(.title, .text("ok")), .setField(.isUrgent, .text("yes"))]))
            Issue.record("a text value for `urgent` passed")
        } catch {
            #expect(error.code == .invalidValue)
            #expect(error.message.hasPrefix("operations[1] (set_field on rpt-1):"))
        }
    }
}

@Suite("ChangeSetValidator: attachments")
struct AttachmentValidatorTests {
    func validate(_ attachment: OnSiteCore.Attachment, limits: SyncLimits = SyncLimits()) -> Result<ChangeSet, ChangeSetValidationError> {
        ChangeSetValidator(limits: limits).check(ChangeSet(deviceId: "dev-a", sequence: 1, baseVersion: 0, operations: [
            SyncOperation(reportId: "rpt-1", stamp: Fixture.stamp(0, 0, "dev-a"), change: .addAttachment(attachment)),
        ]))
    }

    func code(_ attachment: OnSiteCore.Attachment, limits: SyncLimits = SyncLimits()) -> ErrorCode? {
        if case .failure(let error) = validate(attachment, limits: limits) { error.code } else { nil }
    }

    @Test("byteCount is 1 … maxAttachmentBytes: both ends pass, one past either fails with attachment_too_large")
    func byteCountBounds() {
        let limit = SyncLimits().maxAttachmentBytes
        #expect(limit == 256 * 1024 * 1024)
        #expect(code(Fixture.attachment(byteCount: 1)) == nil)
        #expect(code(Fixture.attachment(byteCount: limit)) == nil)
        #expect(code(Fixture.attachment(byteCount: limit + 1)) == .attachmentTooLarge)
        #expect(code(Fixture.attachment(byteCount: 0)) == .attachmentTooLarge)
        #expect(code(Fixture.attachment(byteCount: -1)) == .attachmentTooLarge)
        var small = SyncLimits()
        small.maxAttachmentBytes = 1_000
        #expect(code(Fixture.attachment(byteCount: 1_001), limits: small) == .attachmentTooLarge)
    }

    @Test("contentType must be allowed, compared exactly", arguments: ["image/png", "IMAGE/JPEG", "image/jpeg; charset=binary", "", "application/pdf"])
    func contentType(type: String) throws {
        #expect(code(Fixture.attachment(contentType: type)) == .unsupportedType)
        var limits = SyncLimits()
        limits.allowedContentTypes = [type]
        // A type the relay is configured to accept passes
        #expect(code(Fixture.attachment(contentType: type), limits: limits) == nil)
    }

    @Test("the unsupported_type message lists what is allowed")
    func unsupportedMessage() throws {
        guard case .failure(let error) = validate(Fixture.attachment(contentType: "image/heic")) else {
            Issue.record("image/heic passed"); return
        }
        #expect(error.message.hasPrefix("operations[0] (add_attachment on rpt-1):"))
        #expect(error.message.contains("image/heic"))
        #expect(error.message.contains("allowed: image/jpeg"))
    }

    @Test("sha256 is 64 lowercase hex digits", arguments: [
        String(Fixture.sha256.dropLast()), Fixture.sha256 + "0", Fixture.sha256.uppercased(),
        String(Fixture.sha256.dropLast()) + "g", "", String(repeating: "٣", count: 64),
    ])
    func sha256(bad: String) {
        #expect(code(Fixture.attachment(sha256: bad)) == .invalidValue)
    }

    @Test("the attachment belongs to the operation's report")
    func reportMismatch() {
        #expect(code(Fixture.attachment(reportId: "rpt-2")) == .invalidChangeSet)
    }

    @Test("fileName is required and stored in NFC; a valid attachment is otherwise unchanged")
    func fileName() throws {
        #expect(code(Fixture.attachment(fileName: " \t")) == .invalidValue)
        let nfd = "a\u{0301}nh-hie\u{0323}\u{0302}n-tru\u{031B}o\u{031B}\u{0300}ng.jpg"
        let input = Fixture.attachment(fileName: nfd)
        guard case .success(let output) = validate(input), case .addAttachment(let checked) = output.operations[0].change else {
            Issue.record("a decomposed file name was refused"); return
        }
        #expect(Array(checked.fileName.unicodeScalars) == Array(nfd.precomposedStringWithCanonicalMapping.unicodeScalars))
        var expected = input
        expected.fileName = checked.fileName
        #expect(checked == expected)
    }

    @Test("stamps are bounded: before year 3000, counter below 2^31")
    func stampBounds() {
        func stampCode(_ stamp: HybridTimestamp) -> ErrorCode? {
            let result = ChangeSetValidator().check(ChangeSet(deviceId: "dev-a", sequence: 1, baseVersion: 0, operations: [
                SyncOperation(reportId: "rpt-1", stamp: stamp, change: .addNote(Note(author: "A", at: Date(timeIntervalSince1970: 1), text: "n"))),
            ]))
            if case .failure(let error) = result { return error.code } else { return nil }
        }
        #expect(stampCode(HybridTimestamp(wallMillis: 32_503_679_999_999, counter: (1 << 31) - 1, device: "dev-a")) == nil)
        #expect(stampCode(HybridTimestamp(wallMillis: 32_503_680_000_000, counter: 0, device: "dev-a")) == .invalidChangeSet)
        #expect(stampCode(HybridTimestamp(wallMillis: Fixture.t0, counter: 1 << 31, device: "dev-a")) == .invalidChangeSet)
        #expect(stampCode(HybridTimestamp(wallMillis: 1, counter: 0, device: "dev-a")) == nil)
    }
}
