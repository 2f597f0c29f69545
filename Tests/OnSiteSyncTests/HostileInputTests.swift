import Foundation
import OnSiteCore
import OnSiteSync
import OnSiteTesting
import Testing

/// Issue 8: values a hostile device can put on the wire. Each case reproduces a finding of the adversarial run.
@Suite("Hostile input: wire dates")
struct HostileWireDateTests {
    @Test("a date before year 1 is refused by the reader, and decoding an operation with it is a clear error, not a trap")
    func dateBeforeYearOne() throws {
        #expect(WireDate.parse("0000-01-01T00:00:00.000+01:00") == nil)
        let body = Data(#"{"id":"8A1F0D4C-6B40-4C55-9D6A-1B2C3D4E5F60","author":"A","at":"0000-01-01T00:00:00.000+01:00","text":"n"}"#.utf8)
        #expect {
            try WireCoding.decode(Note.self, from: body)
        } throws: { error in
            guard let error = error as? WireDecodingError else { return false }
            return error.path == ".at" && error.problem.contains("1970 to 2999")
        }
    }

    @Test("impossible or out-of-range dates are refused, never rolled over into another day")
    func noSilentRewrites() {
        let refused = [
            "9999-12-31T23:30:00-01:00",       // year 10000 in UTC
            "2024-02-30T00:00:00Z",            // 30 February
            "2023-02-29T00:00:00Z",            // not a leap year
            "2024-04-31T00:00:00Z",
            "2024-04-18T24:00:00Z",
            "2024-04-18T23:59:60Z",
            "2024-04-18T08:30:00+99:99",
            "2024-04-18T08:30:00+18:01",
            "2024-04-18T08:30:00+07:60",
            "1969-12-31T23:59:59.999Z",        // before the wire's range
            "3000-01-01T00:00:00.000Z",
            "2024-04-18T08:30:00.Z",
            "2024-04-18T08:30:00.1234567890Z",
            "２０２４-04-18T08:30:00Z",
            "2024-04-18T08:30:00Z" + String(repeating: " ", count: 100),
        ]
        for text in refused { #expect(WireDate.parse(text) == nil, "\(text)") }
        #expect(WireDate.parse("2024-02-29T00:00:00Z") == Date(timeIntervalSince1970: 1_709_164_800))
        #expect(WireDate.parse("2024-04-18T15:30:00+0700") == Date(timeIntervalSince1970: 1_713_429_000))
        #expect(WireDate.parse("2999-12-31T23:59:59.999Z") == Date(timeIntervalSince1970: 32_503_679_999.999))
    }

    @Test("the writer is total: any Date, even one no reader returns, is written as a date in range")
    func formatNeverTraps() {
        let extremes: [Double] = [-1e20, -62_167_219_200, -1, .nan, .infinity, -.infinity, 1e20, 32_503_680_000]
        for seconds in extremes {
            let text = WireDate.format(Date(timeIntervalSince1970: seconds))
            #expect(WireDate.parse(text) != nil, "\(seconds) → \(text)")
        }
        #expect(WireDate.format(Date(timeIntervalSince1970: -5)) == "1970-01-01T00:00:00.000Z")
        #expect(WireDate.format(Date(timeIntervalSince1970: 1e15)) == "2999-12-31T23:59:59.999Z")
    }

    @Test("every instant of the range survives format and parse (seeded sample)")
    func roundTrip() {
        var generator = SeededGenerator(seed: 0x0D1E_B1E2_0260_1201)
        for _ in 0..<20_000 {
            let millis = Int64.random(in: WireDate.earliestMillis..<WireDate.endMillis, using: &generator)
            let date = Date(timeIntervalSince1970: Double(millis) / 1000)
            let text = WireDate.format(date)
            #expect(WireDate.parse(text).map(WireDate.millis) == millis, "\(millis) → \(text)")
        }
    }
}

@Suite("Hostile input: change sets")
struct HostileChangeSetTests {
    let now = Date(timeIntervalSince1970: 1_713_429_000)

    func changeSet(_ changes: [Change], sequence: Int64 = 1, baseVersion: Int64 = 0, stamp: HybridTimestamp? = nil, reportId: String = "rpt-1") -> ChangeSet {
        ChangeSet(deviceId: "dev-a", sequence: sequence, baseVersion: baseVersion, operations: changes.enumerated().map { index, change in
            SyncOperation(reportId: reportId, stamp: stamp ?? Fixture.stamp(0, UInt32(index), "dev-a"), change: change)
        })
    }

    func code(_ changeSet: ChangeSet, limits: SyncLimits = SyncLimits(), now: Date? = nil) -> ErrorCode? {
        switch ChangeSetValidator(limits: limits).check(changeSet, now: now) {
        case .success: nil
        case .failure(let error): error.code
        }
    }

    var note: Change { .addNote(Note(author: "Lan", at: now, text: "Đã đến hiện trường")) }

    @Test("sequence and baseVersion are bounded by 2^53, so the relay's arithmetic on them cannot overflow")
    func boundedIntegers() {
        #expect(code(changeSet([note], sequence: Int64.max)) == .invalidChangeSet)
        #expect(code(changeSet([note], sequence: SyncLimits.maxSequence + 1)) == .invalidChangeSet)
        #expect(code(changeSet([note], sequence: SyncLimits.maxSequence)) == nil)
        #expect(code(changeSet([note], baseVersion: SyncLimits.maxSequence + 1)) == .invalidChangeSet)
        #expect(code(changeSet([note], baseVersion: -1)) == .invalidChangeSet)
    }

    @Test("a signature whose keyId is not 32 lowercase hex digits makes the change set malformed; a well-formed one is left to the relay's check")
    func malformedSignature() {
        var signed = changeSet([note])
        signed.operations[0].signature = OperationSignature(keyId: "ÉÉ", value: "x")
        #expect(code(signed) == .invalidChangeSet)
        signed.operations[0].signature = OperationSignature(keyId: String(repeating: "a", count: 32), value: "not a signature")
        #expect(code(signed) == nil)
    }

    @Test("a stamp with the counter at 2^31 - 1 near year 3000 is refused; a stamp far past the relay's clock is stamp_in_future")
    func poisonedStamps() {
        // {t: 32503679999999, c: 2147483647} is inside the absolute bounds: the relay's clock is what refuses it
        let poison = HybridTimestamp(wallMillis: 32_503_679_999_999, counter: 2_147_483_647, device: "dev-a")
        #expect(code(changeSet([note], stamp: poison), now: now) == .stampInFuture)
        let counterPastBound = HybridTimestamp(wallMillis: Fixture.t0, counter: SyncLimits.counterBound, device: "dev-a")
        #expect(code(changeSet([note], stamp: counterPastBound)) == .invalidChangeSet)
        let nearYear3000 = HybridTimestamp(wallMillis: 32_503_679_999_999, counter: 0, device: "dev-a")
        #expect(code(changeSet([note], stamp: nearYear3000)) == nil, "without the relay's clock only the absolute bounds apply")
        #expect(code(changeSet([note], stamp: nearYear3000), now: now) == .stampInFuture)
        let lead = SyncLimits().maxStampLeadMillis
        let atBound = HybridTimestamp(wallMillis: WireDate.millis(now) + lead, counter: 0, device: "dev-a")
        let pastBound = HybridTimestamp(wallMillis: WireDate.millis(now) + lead + 1, counter: 0, device: "dev-a")
        #expect(code(changeSet([note], stamp: atBound), now: now) == nil)
        #expect(code(changeSet([note], stamp: pastBound), now: now) == .stampInFuture)
    }

    @Test("unit codes and identifiers are ASCII without the relay's separators")
    func identifiers() {
        var report = Fixture.report()
        report.area.commune = "C03124|P11,D094"
        #expect(code(changeSet([.createReport(report)])) == .invalidValue)
        report = Fixture.report(assignedUnit: "U-HIMLAM,U-OTHER")
        #expect(code(changeSet([.createReport(report)])) == .invalidValue)
        #expect(code(changeSet([.setField(.assignedUnit, .text("a|b"))])) == .invalidValue)
        #expect(code(changeSet([.setField(.category, .text("trật tự"))])) == .invalidValue)
        let forward = Transition(action: .forward(unit: "U-HIMLAM|x"), expected: .received, role: .hub, actor: "IOC", at: now)
        #expect(code(changeSet([.transition(forward)])) == .invalidValue)
        #expect(code(changeSet([note], reportId: "x" + String(repeating: "\u{0301}", count: 100_000))) == .invalidValue)
        #expect(code(changeSet([.setField(.assignedUnit, .text("phuong-muong-thanh"))])) == nil)
    }

    @Test("a SHA-256 in fullwidth hex digits is refused, as the upload routes refuse it")
    func fullwidthHex() {
        let fullwidth = String(Fixture.sha256.map { character -> Character in
            guard let ascii = character.asciiValue else { return character }
            let base: UInt32 = ascii >= 0x61 ? 0xFF41 - 0x61 : 0xFF10 - 0x30
            return Character(Unicode.Scalar(UInt32(ascii) + base) ?? "?")
        })
        #expect(fullwidth.count == 64)
        #expect(code(changeSet([.addAttachment(Fixture.attachment(sha256: fullwidth))])) == .invalidValue)
        #expect(!UploadProtocol.isBlobHash(fullwidth))
        #expect(code(changeSet([.addAttachment(Fixture.attachment())])) == nil)
    }

    @Test("long runs of combining marks are refused before normalisation, whose cost they would make quadratic")
    func combiningRuns() throws {
        // 'a' then 120,000 alternating U+0301/U+0323: 23 s of relay CPU before the bound
        let marks = String(repeating: "\u{0301}\u{0323}", count: 60_000)
        let result = ChangeSetValidator().check(changeSet([.addNote(Note(author: "A", at: now, text: "a" + marks))]))
        guard case .failure(let error) = result else { Issue.record("a note of 120,000 combining marks passed"); return }
        #expect(error.code == .invalidValue)
        // A short run in range passes: Vietnamese needs two marks on a letter
        #expect(code(changeSet([.addNote(Note(author: "A", at: now, text: "Nguye\u{0302}\u{0303}n"))])) == nil)
        let thirty = "a" + String(repeating: "\u{0301}\u{0323}", count: 15)
        #expect(code(changeSet([.addNote(Note(author: "A", at: now, text: thirty))])) == nil)
        #expect(code(changeSet([.addNote(Note(author: "A", at: now, text: thirty + "\u{0301}"))])) == .invalidValue)
    }

    @Test("limits count bytes and scalars, not grapheme clusters: a 400 KB title is not 500 characters")
    func limitsInScalars() {
        // One grapheme cluster per base letter, each with 30 marks: 500 clusters, 15,500 scalars
        let clusters = String(repeating: "a" + String(repeating: "\u{0308}", count: 30), count: 500)
        #expect(clusters.count == 500)
        #expect(code(changeSet([.setField(.title, .text(clusters))])) == .invalidValue)
        let body = String(repeating: "\u{1F600}", count: 100_001)
        #expect(code(changeSet([.addNote(Note(author: "A", at: now, text: body))])) == .invalidValue)
    }

    @Test("lists inside operations are bounded, and every text in a workflow step is normalised and bounded")
    func workflowTexts() {
        let missing = Array(repeating: "Ảnh", count: SyncLimits().maxListItems + 1)
        let ask = Transition(action: .requestInformation(missing: missing), expected: .received, role: .hub, actor: "IOC", at: now)
        #expect(code(changeSet([.transition(ask)])) == .invalidValue)
        let longReason = Transition(action: .hide(reason: String(repeating: "x", count: 501)), expected: .received, role: .hub, actor: "IOC", at: now)
        #expect(code(changeSet([.transition(longReason)])) == .invalidValue)
        var attachment = Fixture.attachment()
        attachment.capture = CaptureCheck(position: nil, capturedAt: nil, distanceToSite: .greatestFiniteMagnitude, isCapturedAfterReceipt: nil, warnings: [])
        #expect(code(changeSet([.addAttachment(attachment)])) == .invalidValue)
        attachment.capture = CaptureCheck(position: GeoPoint(latitude: 91, longitude: 0), capturedAt: nil, distanceToSite: 10, isCapturedAfterReceipt: nil, warnings: [])
        #expect(code(changeSet([.addAttachment(attachment)])) == .invalidValue)
        attachment.capture = CaptureCheck(position: nil, capturedAt: nil, distanceToSite: 10, isCapturedAfterReceipt: nil, warnings: ["photo.far_from_site"])
        #expect(code(changeSet([.addAttachment(attachment)])) == nil)
    }
}

@Suite("Hostile input: the hybrid clock")
struct HostileClockTests {
    @Test("a pulled stamp at the counter bound near year 3000 does not stop a device from writing")
    func poisonedStampIsNotFollowed() throws {
        var clock = HybridClock(device: "dev-b")
        let now: Int64 = 1_713_429_000_000
        clock.observe(HybridTimestamp(wallMillis: 32_503_679_999_999, counter: 2_147_483_647, device: "dev-x"), wallMillis: now)
        clock.observe(HybridTimestamp(wallMillis: now + 1_000, counter: UInt32.max, device: "dev-x"), wallMillis: now)
        let stamp = clock.tick(wallMillis: now)
        #expect(stamp.wallMillis == now && stamp.counter == 0)
        let note = Change.addNote(Note(author: "B", at: Date(timeIntervalSince1970: 1_713_429_000), text: "n"))
        let changeSet = ChangeSet(deviceId: "dev-b", sequence: 1, baseVersion: 0, operations: [SyncOperation(reportId: "rpt-1", stamp: stamp, change: note)])
        _ = try ChangeSetValidator().validated(changeSet, now: Date(timeIntervalSince1970: 1_713_429_000))
    }

    @Test("a clock already poisoned by an earlier pull starts again from the wall time")
    func poisonedStateRecovers() {
        let now: Int64 = 1_713_429_000_000
        var clock = HybridClock(device: "dev-b", last: HybridTimestamp(wallMillis: 32_503_679_999_999, counter: 2_147_483_647, device: "dev-b"))
        #expect(clock.tick(wallMillis: now) == HybridTimestamp(wallMillis: now, counter: 0, device: "dev-b"))
    }

    @Test("at the counter bound the clock moves on a millisecond instead of issuing a counter the relay refuses")
    func counterBound() {
        let now: Int64 = 1_713_429_000_000
        var clock = HybridClock(device: "dev-b", last: HybridTimestamp(wallMillis: now, counter: SyncLimits.counterBound - 2, device: "dev-b"))
        #expect(clock.tick(wallMillis: now).counter == SyncLimits.counterBound - 1)
        #expect(clock.tick(wallMillis: now) == HybridTimestamp(wallMillis: now + 1, counter: 0, device: "dev-b"))
    }
}

@Suite("Hostile input: the relay's own operations sent by a device")
struct HostileRelayOperationTests {
    @Test("a device-sent record_conflict or blob_available is checked like any operation, and refused whatever the report")
    func relayKinds() throws {
        var conflict = Fixture.conflict
        conflict.lost.stamp.device = "o*\u{0F}\u{A9}h"
        let changeSet = ChangeSet(deviceId: "dev-a", sequence: 1, baseVersion: 0, operations: [
            SyncOperation(reportId: "rpt-1", stamp: Fixture.stamp(0, 0, "dev-a"), change: .recordConflict(conflict)),
        ])
        #expect(throws: ChangeSetValidationError.self) { try ChangeSetValidator().validated(changeSet) }
        let blob = ChangeSet(deviceId: "dev-a", sequence: 1, baseVersion: 0, operations: [
            SyncOperation(reportId: "rpt-1", stamp: Fixture.stamp(0, 0, "dev-a"), change: .blobAvailable(sha256: "ABC")),
        ])
        #expect(throws: ChangeSetValidationError.self) { try ChangeSetValidator().validated(blob) }
        // Well formed, they are refused as the relay's, on a report the device cannot see or that does not exist
        let outsider = Actor(deviceId: "dev-a", role: .officer, units: ["U-OTHER"])
        let record = SyncOperation(reportId: "rpt-1", stamp: Fixture.stamp(0, 0, "dev-a"), change: .recordConflict(Fixture.conflict))
        #expect(OperationCheck.refusal(of: record, by: outsider, on: nil)?.code == .forbiddenOperation)
        #expect(OperationCheck.refusal(of: record, by: outsider, on: Fixture.record())?.code == .forbiddenOperation)
    }
}
