import Foundation
import OnSiteCore
import OnSiteCrypto
import OnSiteSync

/// Checks a report's evidence against the signed operations that added it, with the signers' keys: no network,
/// no clock. Shared by `onsite show` (the replica's pulled operations) and `onsite evidence verify` (a bundle's).
public enum EvidenceCheck {
    /// A mark for each verification, photo record and workflow step of `record`, in that order.
    ///
    /// - Parameters:
    ///   - signed: the operation that added each record, by the record's id (verification, attachment, or the
    ///     step's event id, which is its operation's id).
    ///   - keys: the signers' keys by key id.
    ///   - refusedPhotos: photos whose bytes, as the relay served them, hashed to something else: the received
    ///     hash by the record's SHA-256. Such a photo is marked altered (`bytes`) whatever its signature says.
    public static func marks(of record: ReportRecord, signed: [UUID: LogEntry], keys: [String: SignerKey],
                             refusedPhotos: [String: String] = [:]) -> [EvidenceMark] {
        var marks: [EvidenceMark] = []
        for verification in record.verifications {
            marks.append(mark(.verification, verification.id, signed: signed[verification.id], keys: keys) { change in
                guard case .addVerification(let original) = change else { return ["kind"] }
                return verification.fieldsDiffering(from: original)
            })
        }
        for attachment in record.attachments {
            var photo = mark(.photo, attachment.id, signed: signed[attachment.id], keys: keys) { change in
                guard case .addAttachment(let original) = change else { return ["kind"] }
                return attachment.fieldsDiffering(from: original)
            }
            if let received = refusedPhotos[attachment.sha256] {
                if photo.state == .verified || photo.state == .unsigned || photo.state == .notHeld { photo.state = .altered }
                photo.fields.append("bytes")
                photo.receivedSha256 = received
            }
            marks.append(photo)
        }
        for event in record.events {
            // Steps only: an event is a step's when its id is a pulled transition's operation id.
            guard let entry = signed[event.id], case .transition = entry.operation.change else { continue }
            marks.append(mark(.step, event.id, signed: entry, keys: keys) { change in
                guard case .transition(let transition) = change else { return ["kind"] }
                var fields: [String] = []
                if transition.actor != event.actor { fields.append("actor") }
                if transition.at != event.at { fields.append("at") }
                return fields
            })
        }
        return marks
    }

    /// Whether `entry`'s operation carries a signature that verifies with `key` over its canonical form.
    public static func signatureVerifies(_ operation: SyncOperation, key: SignerKey) -> Bool {
        guard let signature = operation.signature, signature.keyId == key.keyId, let bytes = signature.bytes,
              let keyBytes = key.bytes, let publicKey = try? Ed25519PublicKey(rawRepresentation: keyBytes),
              publicKey.keyId == key.keyId, let message = try? operation.signedBytes() else { return false }
        return publicKey.isValidSignature(bytes, for: message)
    }

    private static func mark(_ item: EvidenceMark.Item, _ id: UUID, signed entry: LogEntry?, keys: [String: SignerKey],
                             differences: (Change) -> [String]) -> EvidenceMark {
        guard let entry else { return EvidenceMark(item: item, recordId: id, state: .notHeld) }
        var mark = EvidenceMark(item: item, recordId: id, state: .verified, deviceId: entry.deviceId, version: entry.version)
        guard let signature = entry.operation.signature else {
            mark.state = .unsigned
            return mark
        }
        mark.keyId = signature.keyId
        // A key counts only for the device that registered it: the relay's log names the pushing device.
        guard let key = keys[signature.keyId], key.deviceId == entry.deviceId else {
            mark.state = .unknownKey
            return mark
        }
        mark.deviceName = key.deviceName
        guard signatureVerifies(entry.operation, key: key) else {
            mark.state = .badSignature
            return mark
        }
        let fields = differences(entry.operation.change)
        if !fields.isEmpty {
            mark.state = .altered
            mark.fields = fields
        }
        return mark
    }
}
