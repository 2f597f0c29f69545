/// The fields of an evidence record that differ from the record a device signed: one list, read by the device's
/// marks (`onsite show`) and by the relay's `audit`, so both name the same fields.
///
/// ```swift
/// held.fieldsDiffering(from: signed)   // ["finding", "position"]
/// ```
extension Verification {
    public func fieldsDiffering(from signed: Verification) -> [String] {
        var fields: [String] = []
        if signed.finding != finding { fields.append("finding") }
        if signed.position != position { fields.append("position") }
        if signed.visitedAt != visitedAt { fields.append("visitedAt") }
        if signed.notes != notes { fields.append("notes") }
        if signed.officer != officer { fields.append("officer") }
        if signed.reportId != reportId { fields.append("reportId") }
        return fields
    }
}

extension Attachment {
    public func fieldsDiffering(from signed: Attachment) -> [String] {
        var fields: [String] = []
        if signed.sha256 != sha256 { fields.append("sha256") }
        if signed.byteCount != byteCount { fields.append("byteCount") }
        if signed.capture != capture { fields.append("capture") }
        if signed.fileName != fileName { fields.append("fileName") }
        if signed.contentType != contentType { fields.append("contentType") }
        if signed.addedAt != addedAt { fields.append("addedAt") }
        if signed.addedBy != addedBy { fields.append("addedBy") }
        if signed.verificationId != verificationId { fields.append("verificationId") }
        if signed.reportId != reportId { fields.append("reportId") }
        return fields
    }
}
