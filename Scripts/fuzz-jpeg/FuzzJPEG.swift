// libFuzzer entry point for JPEGInspector: compiled together with the Evidence sources by run.sh.
import Foundation
// Not part of the package and not run by CI.

/// Called by libFuzzer with each input; any trap, sanitizer report or timeout is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJPEG(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // libFuzzer's own buffer, read in place: AddressSanitizer flags any read past `size`.
    let inspection = JPEGInspector.inspect(buffer: UnsafeBufferPointer(start: data, count: size))
    let site = GeoPoint(latitude: 21.386, longitude: 103.017)
    _ = PhotoChecker().check(inspection, site: site, receivedAt: Date(timeIntervalSince1970: 1_713_315_600))
    if let position = inspection.exif?.position, !position.isValid { fatalError("invalid position \(position)") }
    return 0
}
