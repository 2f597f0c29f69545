import Foundation
import OnSiteSync

/// The SQLite store's push reads the database as it merges, inside the group commit's transaction.
extension LogBatch: MergeLedger {
    func isLogged(_ operationId: UUID) throws -> Bool {
        try RelayStore.isLogged(operationId, db: db)
    }

    mutating func signatureRefusal(of operation: SyncOperation, deviceId: String) throws -> ErrorDetail? {
        try deviceKeys.refusal(of: operation, deviceId: deviceId, db: db)
    }
}
