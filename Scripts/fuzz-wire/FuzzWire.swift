// libFuzzer entry point for the wire decoder, the change-set validator and the merge: compiled by run.sh
// against OnSiteCore and OnSiteSync built as modules with the same sanitizers. Not part of the package.
import Foundation
import OnSiteCore
import OnSiteSync

/// Called by libFuzzer with each input; any trap, sanitizer report or timeout (`-timeout=2`) is a finding.
///
/// 1. Decode the bytes as a `ChangeSet` with `WireCoding.decode` (what the relay does with a push body).
/// 2. Every date the decoder accepted must be a real instant in years 1…9999 written in the wire's grammar,
///    and must survive `WireDate.format` and `WireDate.parse` to the millisecond.
/// 3. Validate with `ChangeSetValidator()`. A valid change set must re-encode to bytes that decode again,
///    validate again unchanged (NFC is idempotent), and re-encode to the same bytes.
/// 4. Merge each operation into a `ReportRecord` (created by `create_report`, else a fixed base record)
///    and encode every record.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWire(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    guard let changeSet = try? WireCoding.decode(ChangeSet.self, from: bytes) else { return 0 }
    for (text, date) in DateRecorder.datesAccepted(in: bytes) {
        DateOracle.check(text, parsedAs: date)
    }
    guard case .success(let valid) = ChangeSetValidator().check(changeSet) else { return 0 }
    checkRoundTrip(valid)
    merge(valid)
    return 0
}

private func checkRoundTrip(_ valid: ChangeSet) {
    let encoded: Data
    do { encoded = try WireCoding.encode(valid) } catch { fatalError("a valid change set does not encode: \(error)") }
    let decoded: ChangeSet
    do { decoded = try WireCoding.decode(ChangeSet.self, from: encoded) } catch {
        fatalError("the encoder wrote bytes the decoder refuses: \(error)\n\(String(decoding: encoded, as: UTF8.self))")
    }
    switch ChangeSetValidator().check(decoded) {
    case .failure(let error): fatalError("a re-encoded valid change set is refused: \(error)")
    case .success(let again) where again != decoded: fatalError("validation is not idempotent")
    case .success: break
    }
    guard let reencoded = try? WireCoding.encode(decoded), reencoded == encoded else {
        fatalError("the wire form is not stable:\n\(String(decoding: encoded, as: UTF8.self))")
    }
}

private func merge(_ valid: ChangeSet) {
    var records: [String: ReportRecord] = [:]
    for operation in valid.operations {
        if case .createReport(let report) = operation.change, records[operation.reportId] == nil {
            records[operation.reportId] = ReportRecord(created: report, stamp: operation.stamp)
            continue
        }
        var record = records[operation.reportId] ?? baseRecord(id: operation.reportId)
        record.apply(operation)
        records[operation.reportId] = record
    }
    for record in records.values {
        do {
            let encoded = try WireCoding.encode(record)
            _ = try WireCoding.decode(ReportRecord.self, from: encoded)
        } catch {
            fatalError("a merged record does not survive the wire: \(error)")
        }
    }
}

/// A forwarded report with every field stamped before any stamp the validator lets through.
private func baseRecord(id: String) -> ReportRecord {
    let report = Report(
        id: id, code: "DB-2024-00001", title: "Lấn chiếm vỉa hè", description: "Bàn ghế trên vỉa hè",
        category: "trat-tu-do-thi", location: GeoPoint(latitude: 21.386, longitude: 103.017),
        address: "Số 1 đường Võ Nguyên Giáp", area: AdministrativeArea(province: "P11", district: "D094", commune: "C03124"),
        reporter: Reporter(name: "Nguyễn Văn A", isConfidential: false),
        receivedAt: Date(timeIntervalSince1970: 1_713_315_600), status: .forwarded, assignedUnit: "U-HIMLAM")
    return ReportRecord(created: report, stamp: HybridTimestamp(wallMillis: 1, counter: 0, device: "fuzz-base"))
}
