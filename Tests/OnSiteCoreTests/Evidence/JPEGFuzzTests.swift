import Foundation
import Testing
import OnSiteTesting
@testable import OnSiteCore

/// Deterministic mutation fuzzing of the inspector over the sample photos and a synthetic file.
///
/// Set `ONSITE_FUZZ_SEED` to replay a run; the seed in use is printed. The libFuzzer harness in
/// `Scripts/fuzz-jpeg/` explores further and is not run by CI.
@Suite("JPEG fuzzing")
struct JPEGFuzzTests {

    static let seed: UInt64 = ProcessInfo.processInfo.environment["ONSITE_FUZZ_SEED"].flatMap { UInt64($0) }
        ?? 0x0D1E_4B1E_2024_0418

    static let cases = 3_000

    /// Inspects and checks `bytes`, and checks what must hold for any input.
    @discardableResult
    static func inspectAndCheck(_ bytes: [UInt8], _ label: @autoclosure () -> String) -> JPEGInspection {
        let inspection = JPEGInspector.inspect(bytes)
        #expect(inspection.byteCount == bytes.count, "\(label())")
        #expect(!inspection.isComplete || inspection.isJPEG, "\(label())")
        #expect(inspection.isComplete == (inspection.structureError == nil), "\(label())")
        if let exif = inspection.exif {
            #expect(exif.position?.isValid ?? true, "\(label())")
            #expect(exif.captureTime?.timeIntervalSince1970.isFinite ?? true, "\(label())")
            #expect((exif.captureTime == nil) == (exif.captureTimeSource == nil), "\(label())")
        }
        let check = PhotoChecker().check(inspection, site: EvidenceFixtures.site, receivedAt: EvidenceFixtures.receivedAt)
        #expect(check.warnings.count <= PhotoWarning.Code.allCases.count, "\(label())")
        return inspection
    }

    /// Mutates a copy of `input` once, in one of several ways biased towards the header and EXIF.
    static func mutate(_ input: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        guard !bytes.isEmpty else { return [UInt8.random(in: 0...255, using: &random)] }
        // Half of the positions fall in the first 600 bytes, where the segments and the EXIF block are.
        func position() -> Int {
            let limit = Bool.random(using: &random) ? min(600, bytes.count) : bytes.count
            return Int.random(in: 0..<max(1, limit), using: &random)
        }
        let interesting: [[UInt8]] = [
            [0xFF, 0xFF, 0xFF, 0xFF], [0x7F, 0xFF, 0xFF, 0xFF], [0x80, 0, 0, 0], [0, 0, 0, 0], [0xFF, 0xFF],
            [0, 0], [0, 1], [0xFF, 0xD9], [0xFF, 0xDA], [0xFF, 0xE1], [0, 0x08], [0x08, 0],
        ]
        switch Int.random(in: 0..<7, using: &random) {
        case 0:  // bit flips
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                let at = position()
                bytes[at] ^= 1 << UInt8.random(in: 0...7, using: &random)
            }
        case 1:  // random bytes
            for _ in 0..<Int.random(in: 1...4, using: &random) { bytes[position()] = .random(in: 0...255, using: &random) }
        case 2:  // huge or tiny counts, offsets and markers
            let value = interesting[Int.random(in: 0..<interesting.count, using: &random)]
            let at = position()
            for (index, byte) in value.enumerated() where at + index < bytes.count { bytes[at + index] = byte }
        case 3:  // truncation
            bytes.removeSubrange(Int.random(in: 0..<bytes.count, using: &random)...)
        case 4:  // insertion
            let inserted = (0..<Int.random(in: 1...16, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            bytes.insert(contentsOf: inserted, at: position())
        case 5:  // deletion
            let at = position()
            bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...32, using: &random)))
        default:  // splice: copy a chunk over another place
            let from = position(), to = position(), length = Int.random(in: 1...64, using: &random)
            let chunk = Array(bytes[from..<min(bytes.count, from + length)])
            for (index, byte) in chunk.enumerated() where to + index < bytes.count { bytes[to + index] = byte }
        }
        return bytes
    }

    static func corpus() throws -> [(String, [UInt8])] {
        let names = ["dbp-site-1.jpg", "dbp-site-3-mm.jpg", "no-exif.jpg", "no-offset.jpg", "truncated.jpg"]
        return try names.map { ($0, try EvidenceFixtures.sample($0)) }
            + [("synthetic-II", EvidenceFixtures.onSiteJPEG()), ("synthetic-MM", EvidenceFixtures.onSiteJPEG(.bigEndian))]
    }

    @Test func randomMutationsNeverTrapAndStayBounded() throws {
        // Given the samples and a printed seed
        print("JPEG fuzz seed: \(Self.seed) (replay with ONSITE_FUZZ_SEED=\(Self.seed))")
        let corpus = try Self.corpus()
        var random = SeededGenerator(seed: Self.seed)
        var outcomes: [String: Int] = [:]
        let start = ContinuousClock.now
        // When each case stacks one to three mutations on a corpus file
        for index in 0..<Self.cases {
            let (name, original) = corpus[index % corpus.count]
            var bytes = original
            for _ in 0..<Int.random(in: 1...3, using: &random) { bytes = Self.mutate(bytes, using: &random) }
            // Then inspection returns, with consistent facts
            let inspection = Self.inspectAndCheck(bytes, "case \(index) of seed \(Self.seed), from \(name)")
            outcomes[inspection.isComplete ? "complete" : inspection.structureError?.code ?? "?", default: 0] += 1
            if let error = inspection.exifError { outcomes[error.code, default: 0] += 1 }
            if inspection.exif?.position != nil { outcomes["position", default: 0] += 1 }
        }
        print("JPEG fuzz outcomes: \(outcomes.sorted { $0.key < $1.key })")
        // And the mutations reach every kind of outcome, not just one early exit
        for outcome in ["complete", "jpeg.truncated", "jpeg.bad_marker", "exif.out_of_bounds", "position"] {
            #expect(outcomes[outcome, default: 0] > 0, "no case ended as \(outcome)")
        }
        // And in bounded time: linear walks, no loops on cycles (generous, for debug builds on a busy machine)
        #expect(ContinuousClock.now - start < .seconds(60))
    }

    @Test func truncationAtEveryLengthOfTheEXIFRegion() throws {
        // Every prefix of the synthetic file, and of a real photo up to past its EXIF block
        let real = try EvidenceFixtures.sample("dbp-site-3-mm.jpg")
        for (name, bytes, limit) in [("synthetic", EvidenceFixtures.onSiteJPEG(.bigEndian), Int.max), ("real", real, 2_048)] {
            for length in 0..<min(bytes.count, limit) {
                let inspection = JPEGInspector.inspect(bytes[0..<length])
                #expect(!inspection.isComplete, "\(name) prefix \(length)")
            }
        }
        #expect(JPEGInspector.inspect(real).isComplete)
    }

    @Test func pathologicalInputs() {
        let inputs: [[UInt8]] = [
            [0xFF, 0xD8], [0xFF, 0xD8, 0xFF], [0xFF, 0xD8] + [UInt8](repeating: 0xFF, count: 100_000),
            [0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02] + [UInt8](repeating: 0x00, count: 100_000),
            [0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x10] + Array("Exif".utf8) + [0, 0, 0x4D, 0x4D, 0, 0x2A, 0, 0, 0, 8],
            [UInt8](repeating: 0, count: 10_000),
        ]
        for (index, bytes) in inputs.enumerated() { Self.inspectAndCheck(bytes, "input \(index)") }
    }
}
