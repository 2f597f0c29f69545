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
            #expect(error.code == "too_many_operations")
        }
    }

    @Test("errors name the operation")
    func errorNamesOperation() {
        do {
            _ = try ChangeSetValidator().validated(changeSet([.setField(.title, .text("ok")), .setField(.isUrgent, .text("yes"))]))
            Issue.record("a text value for `urgent` passed")
        } catch {
            #expect(error.code == "invalid_value")
            #expect(error.message.hasPrefix("operations[1] (set_field on rpt-1):"))
        }
    }
}
