import Foundation
import OnSiteCore
import OnSiteSync
import Testing

@Suite("Protocol/vectors: change sets on the wire")
struct ChangeSetVectorTests {
    @Test("the vector folders are found and not empty")
    func foldersExist() {
        #expect(!Vectors.files(in: "changesets").isEmpty, "no change sets under \(Vectors.root.path)")
        #expect(!Vectors.files(in: "invalid").isEmpty)
        #expect(!Vectors.files(in: "merge").isEmpty)
        #expect(!Vectors.files(in: "refused").isEmpty)
    }

    @Test("decode then re-encode gives the same bytes", arguments: Vectors.files(in: "changesets"))
    func roundTrip(name: String) throws {
        // Given the bytes of a change set as WireCoding writes them
        let bytes = try Vectors.data("changesets", name)
        // When it is decoded and encoded again
        let changeSet = try WireCoding.decode(ChangeSet.self, from: bytes)
        let again = try WireCoding.encode(changeSet)
        // Then the bytes are identical (sorted keys, ms dates, no escaped slashes)
        #expect(again == bytes)
    }

    @Test("valid vectors pass the validator unchanged", arguments: Vectors.files(in: "changesets"))
    func validatorAccepts(name: String) throws {
        let changeSet = try WireCoding.decode(ChangeSet.self, from: Vectors.data("changesets", name))
        let validated = try ChangeSetValidator().validated(changeSet)
        #expect(validated == changeSet)
    }

    @Test("the vectors cover every change kind and every field")
    func coverage() throws {
        var kinds = Set<Change.Kind>()
        var fields = Set<ReportField>()
        var nulls = Set<ReportField>()
        for name in Vectors.files(in: "changesets") {
            let changeSet = try WireCoding.decode(ChangeSet.self, from: Vectors.data("changesets", name))
            for operation in changeSet.operations {
                kinds.insert(operation.change.kind)
                if case .setField(let field, let value) = operation.change {
                    fields.insert(field)
                    if value == .null { nulls.insert(field) }
                }
            }
        }
        #expect(kinds == Set(Change.Kind.allCases))
        #expect(fields == Set(ReportField.allCases))
        #expect(nulls == [.location, .assignedUnit, .hiddenReason])
    }

    @Test("a set_field without `value` decodes as null and encodes the null")
    func missingValueIsNull() throws {
        let json = #"{"kind":"set_field","field":"hidden_reason"}"#
        let change = try WireCoding.decode(Change.self, from: Data(json.utf8))
        #expect(change == .setField(.hiddenReason, .null))
        #expect(String(decoding: try WireCoding.encode(change), as: UTF8.self) == #"{"field":"hidden_reason","kind":"set_field","value":null}"#)
    }

    @Test("dates are ISO 8601 UTC with milliseconds")
    func dates() throws {
        #expect(WireDate.format(Date(timeIntervalSince1970: 1_713_429_000)) == "2024-04-18T08:30:00.000Z")
        #expect(WireDate.format(Date(timeIntervalSince1970: 1_713_429_000.5)) == "2024-04-18T08:30:00.500Z")
        #expect(WireDate.parse("2024-04-18T08:30:00Z") == Date(timeIntervalSince1970: 1_713_429_000))
        #expect(WireDate.parse("2024-04-18T15:30:00.000+07:00") == Date(timeIntervalSince1970: 1_713_429_000))
        #expect(WireDate.parse("2024-04-18 08:30:00") == nil)
    }

    @Test("every millisecond of a second survives the wire")
    func everyMillisecond() throws {
        // Given each wire text from .000Z to .999Z
        var drifted: [String] = []
        for millisecond in 0..<1000 {
            let text = "2024-04-18T08:30:00." + String(repeating: "0", count: 3 - String(millisecond).count) + "\(millisecond)Z"
            // When it is parsed and formatted again, and when a device rounds a date before sending it
            let date = try #require(WireDate.parse(text))
            let rounded = WireDate.rounded(Date(timeIntervalSince1970: 1_713_429_000 + Double(millisecond) / 1000))
            if WireDate.format(date) != text || WireDate.format(rounded) != text || date != rounded { drifted.append(text) }
        }
        // Then nothing moves (today about half the values lose a millisecond: the format style truncates)
        #expect(drifted.count == 0, "e.g. \(drifted.prefix(3))")
    }
}

@Suite("Protocol/vectors: refused change sets")
struct InvalidVectorTests {
    @Test("every invalid file is in the manifest and every manifest entry has a file")
    func manifestMatchesFiles() throws {
        let manifest = try Vectors.invalidManifest()
        #expect(Set(manifest.keys) == Set(Vectors.files(in: "invalid")))
    }

    @Test("each invalid change set is refused with its code", arguments: Vectors.files(in: "invalid"))
    func refused(name: String) throws {
        let expected = try #require(try Vectors.invalidManifest()[name], "\(name) is missing from invalid/manifest.json")
        let bytes = try Vectors.data("invalid", name)
        let changeSet: ChangeSet
        do {
            changeSet = try WireCoding.decode(ChangeSet.self, from: bytes)
        } catch {
            // Refused while decoding: the relay answers 400 malformed_body.
            #expect(expected.code == .malformedBody, "\(name): decoding failed (\(error)) but the manifest expects \(expected.code)")
            #expect(expected.status == 400)
            return
        }
        #expect(expected.code != .malformedBody, "\(name) decoded, but the manifest expects malformed_body")
        let limits = expected.limits?.applied(to: SyncLimits()) ?? SyncLimits()
        #expect(expected.status == 422)
        #expect(throws: ChangeSetValidationError.self, "\(name): \(expected.why)") {
            try ChangeSetValidator(limits: limits).validated(changeSet)
        }
        do {
            _ = try ChangeSetValidator(limits: limits).validated(changeSet)
        } catch {
            #expect(error.code == expected.code, "\(name): \(error.message)")
            #expect(error.detail.code == expected.code)
        }
    }
}

@Suite("Protocol/vectors: merge cases")
struct MergeVectorTests {
    @Test("every order of the operations (transitions in log order) gives the expected record", arguments: Vectors.files(in: "merge"))
    func allOrders(name: String) throws {
        let merge = try Vectors.mergeCase(name)
        let orders = merge.orders
        #expect(!orders.isEmpty)
        for order in orders {
            // Given the initial record, when the operations are applied in this order
            var record = merge.initial
            for operation in order { record.apply(operation) }
            // Then the record is the expected one
            #expect(record == merge.expected, "\(name): order \(order.map { $0.id.uuidString.suffix(4) })")
        }
    }

    @Test("applying every operation twice changes nothing more", arguments: Vectors.files(in: "merge"))
    func duplicates(name: String) throws {
        let merge = try Vectors.mergeCase(name)
        var record = merge.initial
        for operation in merge.operations + merge.operations.reversed() { record.apply(operation) }
        #expect(record == merge.expected)
        for operation in merge.operations {
            #expect(record.apply(operation) == .superseded, "\(name): a second apply of \(operation.id) is not a no-op")
        }
    }

    @Test("a transition applies only while the report is in the status it expects")
    func transitionsNeedTheirStatus() throws {
        // Given the stale-status case, replayed in log order
        let merge = try Vectors.mergeCase("transition-expected-status-stale.json")
        var record = merge.initial
        let outcomes = merge.operations.map { record.apply($0) }
        // Then the step that expected `forwarded` after the accept changed nothing, the others applied
        #expect(outcomes == [.applied, .superseded, .applied])
        #expect(record.report.status == .returnedToHub)
        #expect(record.events.map(\.id) == [merge.operations[0].id, merge.operations[2].id])
        #expect(record.events.map(\.action) == ["transition:accepted", "transition:returned_to_hub"])
    }

    @Test("blob_available ends pending for its hash only")
    func blobAvailable() throws {
        let merge = try Vectors.mergeCase("blob-available-idempotent.json")
        #expect(merge.expected.attachments.count == 2)
        #expect(merge.expected.attachments.filter(merge.expected.isPending).map(\.fileName) == ["IMG_0413.jpg"])
        #expect(merge.initial.attachments.allSatisfy(merge.initial.isPending))
    }

    @Test("conflicts merge by union; a resolution closes one whatever the order")
    func conflicts() throws {
        let merge = try Vectors.mergeCase("conflict-recorded-and-resolved.json")
        // Then both conflicts are kept, ordered by the kept write's stamp, and only the address one is open
        #expect(merge.expected.conflicts.map(\.field) == [.title, .address])
        #expect(merge.expected.openConflicts.map(\.field) == [.address])
        let address = try #require(merge.expected.openConflicts.first)
        #expect(address.kept.deviceId == "dev-officer-b" && address.lost.deviceId == "dev-officer-a")
        // And the kept value is the state's; the lost one is only in the conflict
        #expect(merge.expected.report.address == "Tổ 7, phường Him Lam")
        #expect(address.lost.value == .text("Tổ 5, phường Him Lam"))
        #expect(merge.expected.report.title == "Tiêu đề của cán bộ A")
    }

    @Test("a workflow step's write to assigned_unit merges with set_field by stamp", arguments: [
        "forward-versus-set-field-assigned-unit.json", "return-to-hub-versus-set-field.json"])
    func workflowWritesStamped(name: String) throws {
        let merge = try Vectors.mergeCase(name)
        let transition = try #require(merge.operations.first { $0.change.kind == .transition })
        // The step applied (its event is there) whichever value won
        #expect(merge.expected.events.map(\.id) == [transition.id])
        let winner = merge.operations.filter {
            if case .setField(.assignedUnit, _) = $0.change { true } else { $0.change.kind == .transition }
        }.max { $0.stamp < $1.stamp }
        #expect(merge.expected.fieldStamps[ReportField.assignedUnit.rawValue] == winner?.stamp)
    }

    @Test("the expected record survives the wire", arguments: Vectors.files(in: "merge"))
    func expectedRoundTrips(name: String) throws {
        let merge = try Vectors.mergeCase(name)
        let again = try WireCoding.decode(ReportRecord.self, from: WireCoding.encode(merge.expected))
        #expect(again == merge.expected)
    }
}

@Suite("Protocol/vectors: refused operations")
struct RefusedVectorTests {
    @Test("OperationCheck answers each case with its code", arguments: Vectors.files(in: "refused"))
    func refusal(name: String) throws {
        let refused = try Vectors.refusedCase(name)
        let answer = OperationCheck.refusal(of: refused.operation, by: refused.actor.actor, on: refused.record, wasInScope: refused.wasInScope ?? false)
        #expect(answer?.code == refused.code, "\(name): \(refused.description) — got \(answer.map(String.init(describing:)) ?? "allowed")")
        for fragment in refused.messageIncludes ?? [] {
            #expect(answer?.message.contains(fragment) == true, "\(name): the message does not say \"\(fragment)\": \(answer?.message ?? "")")
        }
    }

    @Test("a refused case's operation passes the validator (refusals are about role, scope and state, not shape)", arguments: Vectors.files(in: "refused"))
    func validShape(name: String) throws {
        let refused = try Vectors.refusedCase(name)
        let changeSet = ChangeSet(deviceId: refused.operation.stamp.device, sequence: 1, baseVersion: 0, operations: [refused.operation])
        _ = try ChangeSetValidator().validated(changeSet)
    }

    @Test("an allowed transition leaves the step the workflow computes", arguments: Vectors.files(in: "refused"))
    func allowedApplies(name: String) throws {
        let refused = try Vectors.refusedCase(name)
        guard refused.code == nil, case .transition = refused.operation.change, var record = refused.record else { return }
        #expect(record.apply(refused.operation) == .applied)
        #expect(record.events.last?.id == refused.operation.id)
    }
}
