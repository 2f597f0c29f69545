import Foundation
import OnSiteCrypto
import Testing
import OnSiteTesting

@Suite("SHA-256")
struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ])
    func knownVectors(input: String, expected: String) {
        #expect(SHA256.hash(utf8: input).hex == expected)
        #expect(SHA256.hash(Data(input.utf8)).hex == expected)
    }

    @Test func aMillionAs() {
        // Given the FIPS 180-2 "one million 'a'" vector
        let input = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        // Then one-shot and incremental (odd chunk sizes) agree with it
        #expect(SHA256.hash(input).hex == expected)
        let hasher = SHA256Hasher()
        var offset = 0
        var step = 1
        while offset < input.count {
            let end = min(offset + step, input.count)
            hasher.update(Array(input[offset..<end]))
            offset = end
            step = step * 3 % 9973 + 1
        }
        #expect(hasher.finalize().hex == expected)
    }

    @Test func streamingAFileEqualsOneShot() throws {
        // Given a 1 MiB + 13 bytes file of pseudo-random content
        var generator = SeededGenerator(seed: 42)
        let bytes = (0..<(1 << 20) + 13).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID()).bin").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        // When it is hashed in small and default chunks
        let oneShot = SHA256.hash(bytes)
        // Then both equal the one-shot digest
        #expect(try SHA256.hash(fileAt: path, chunkSize: 4096) == oneShot)
        #expect(try SHA256.hash(fileAt: path) == oneShot)
    }

    @Test func missingFileSaysWhichFile() {
        #expect {
            try SHA256.hash(fileAt: "/nonexistent/photo.jpg")
        } throws: { error in
            "\(error)" == "Cannot read /nonexistent/photo.jpg: No such file or directory."
        }
    }
}

