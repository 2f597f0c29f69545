import Foundation
import OnSiteCore
import OnSiteSync

extension FieldClient {
    /// Every open conflict of this replica: two people changed one field without seeing each other's change.
    public func openConflicts() async throws -> [OpenConflict] {
        try await replica.allRecords().flatMap { record in
            record.openConflicts.map { OpenConflict(reportCode: record.report.code, conflict: $0) }
        }
    }

    /// Resolves a conflict: sets the field to the chosen value and closes the conflict, in one transaction.
    ///
    /// - Parameter conflict: the conflict's id, as `onsite conflicts` prints it.
    /// - Throws: ``ClientError/invalidInput(_:)`` when there is no such conflict, when `mine` or `theirs` names
    ///   no value (neither or both values are this device's), or the typed value does not fit the field.
    public func resolve(_ conflict: String, keeping choice: ConflictChoice) async throws -> ResolvedConflict {
        let enrolment = try await enrolment()
        guard let id = UUID(uuidString: conflict),
              let (record, found) = try await replica.allRecords().lazy.compactMap({ record in
                  record.conflicts.first { $0.id == id }.map { (record, $0) }
              }).first
        else { throw ClientError.invalidInput("No conflict \(conflict) in this replica; `onsite conflicts` lists them.") }
        let value = try Self.value(of: found, keeping: choice, device: enrolment.profile.deviceId)
        try await replica.record([(.setField(found.field, value), record.id), (.resolveConflict(id: id), record.id)])
        return ResolvedConflict(reportCode: record.report.code, field: found.field, value: value)
    }

    /// The value a choice keeps, for the device `device`.
    public static func value(of conflict: FieldConflict, keeping choice: ConflictChoice, device: String) throws(ClientError) -> FieldValue {
        let sides = [conflict.kept, conflict.lost]
        switch choice {
        case .mine:
            guard let mine = sides.first(where: { $0.deviceId == device }) else {
                throw .invalidInput("Neither value of this conflict was written by this device; use --keep theirs or give the value.")
            }
            return mine.value
        case .theirs:
            guard let theirs = sides.first(where: { $0.deviceId != device }) else {
                throw .invalidInput("Both values of this conflict are this device's; give the value to keep.")
            }
            return theirs.value
        case .value(let text):
            return try FieldValue.parse(text, for: conflict.field)
        }
    }
}
