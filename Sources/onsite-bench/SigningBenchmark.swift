import ArgumentParser
import Foundation
import OnSiteClient
import OnSiteCore
import OnSiteCrypto
import OnSiteSync

/// `onsite-bench signing`: what a signature costs per operation, on each end, next to its limit (bare Ed25519
/// over libcrypto on a message of the same size).
struct SigningBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signing",
        abstract: "Cost of signing (device) and verifying (relay) one operation: canonical form, Ed25519, and bare Ed25519 as the limit.")

    @Option(help: "Operations to sign and verify (verifications with a position and a photo record each).") var operations = 20_000

    func run() async throws {
        let key = try Ed25519PrivateKey.generate()
        let signer = DeviceSigningKey(privateKey: key, deviceId: "bench-officer", registeredAt: Date())
        let sample = Self.makeOperations(operations)

        var bytes: [[UInt8]] = []
        bytes.reserveCapacity(sample.count)
        let canonicalStart = ContinuousClock.now
        for operation in sample { bytes.append(try operation.signedBytes()) }
        let canonicalSeconds = (ContinuousClock.now - canonicalStart).seconds

        // What the canonical form starts from (the wire encoder's bytes): its floor.
        let encodeStart = ContinuousClock.now
        var encoded = 0
        for operation in sample { encoded += try WireCoding.encode(operation).count }
        let encodeSeconds = (ContinuousClock.now - encodeStart).seconds
        // The canonical form as it was made before: the encoder's bytes re-read as a `Decodable` tree, then written.
        let treeStart = ContinuousClock.now
        for (operation, expected) in zip(sample, bytes) {
            let tree = try WireCoding.makeDecoder().decode(CanonicalJSON.self, from: WireCoding.encode(operation))
            guard SyncOperation.signingContext + tree.removing(key: "signature").canonicalBytes == expected else {
                throw ValidationError("the one-pass canonical form differs from the tree's for operation \(operation.id)")
            }
        }
        let treeSeconds = (ContinuousClock.now - treeStart).seconds

        let signStart = ContinuousClock.now
        var signed: [SyncOperation] = []
        signed.reserveCapacity(sample.count)
        for operation in sample { signed.append(try signer.signed(operation)) }
        let signSeconds = (ContinuousClock.now - signStart).seconds

        let verifyStart = ContinuousClock.now
        var valid = 0
        for operation in signed {
            guard let signature = operation.signature?.bytes else { continue }
            if key.publicKey.isValidSignature(signature, for: try operation.signedBytes()) { valid += 1 }
        }
        let verifySeconds = (ContinuousClock.now - verifyStart).seconds
        guard valid == sample.count, encoded > 0 else { throw ValidationError("only \(valid) of \(sample.count) signatures verified") }

        // The limit: Ed25519 alone over the same bytes, no JSON.
        let rawSignStart = ContinuousClock.now
        var raw: [[UInt8]] = []
        raw.reserveCapacity(bytes.count)
        for message in bytes { raw.append(try key.sign(message)) }
        let rawSignSeconds = (ContinuousClock.now - rawSignStart).seconds
        let rawVerifyStart = ContinuousClock.now
        for (message, signature) in zip(bytes, raw) where !key.publicKey.isValidSignature(signature, for: message) {
            throw ValidationError("a bare signature did not verify")
        }
        let rawVerifySeconds = (ContinuousClock.now - rawVerifyStart).seconds

        let count = Double(sample.count)
        let averageBytes = Double(bytes.reduce(0) { $0 + $1.count }) / count
        print("\(sample.count) operations (add_verification and add_attachment), \(String(format: "%.0f", averageBytes)) signed bytes each on average")
        print("step                                         µs/op      ops/s")
        for (name, seconds) in [
            ("canonical form (encode, one-pass rewrite)", canonicalSeconds),
            ("before: encode, Decodable tree, rewrite", treeSeconds),
            ("floor: wire encoding alone", encodeSeconds),
            ("device: canonical form + Ed25519 sign", signSeconds),
            ("relay: canonical form + Ed25519 verify", verifySeconds),
            ("limit: bare Ed25519 sign, same bytes", rawSignSeconds),
            ("limit: bare Ed25519 verify, same bytes", rawVerifySeconds),
        ] {
            print(name.padding(toLength: 42, withPad: " ", startingAt: 0) + String(format: "%10.1f %10.0f", seconds / count * 1e6, count / seconds))
        }
    }

    static func makeOperations(_ count: Int) -> [SyncOperation] {
        let start: Int64 = 1_713_432_600_000
        return (0..<count).map { index in
            let reportId = String(format: "bench-%06d", index / 2)
            let stamp = HybridTimestamp(wallMillis: start + Int64(index), counter: 0, device: "bench-officer")
            let visited = Date(timeIntervalSince1970: 1_713_432_000 + Double(index))
            if index % 2 == 0 {
                let verification = Verification(reportId: reportId, officer: "Lò Văn Minh", visitedAt: visited,
                                                position: GeoPoint(latitude: 21.38 + Double(index % 1000) / 100_000, longitude: 103.02011),
                                                finding: .partlyConfirmed, notes: "Bàn ghế chiếm khoảng 2/3 vỉa hè, đã lập biên bản.")
                return SyncOperation(reportId: reportId, stamp: stamp, change: .addVerification(verification))
            }
            let attachment = Attachment(reportId: reportId, sha256: String(format: "%064x", index), byteCount: 2_483_117,
                                        contentType: "image/jpeg", fileName: "IMG_\(index).jpg", addedBy: "Lò Văn Minh", addedAt: visited,
                                        capture: CaptureCheck(position: GeoPoint(latitude: 21.38709, longitude: 103.02027), capturedAt: visited,
                                                              distanceToSite: 38.6, isCapturedAfterReceipt: true, warnings: []))
            return SyncOperation(reportId: reportId, stamp: stamp, change: .addAttachment(attachment))
        }
    }
}
