import Foundation
import OnSiteCrypto
import Testing

@Suite("Ed25519 over libcrypto")
struct Ed25519Tests {
    static func bytes(_ hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return result
    }

    @Test("RFC 8032 test 1: the empty message")
    func rfc8032() throws {
        // Given the seed of RFC 8032, section 7.1, TEST 1
        let key = try Ed25519PrivateKey(rawRepresentation: Self.bytes("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))
        // Then its public key and signature are the RFC's
        #expect(key.publicKey.rawRepresentation == Self.bytes("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"))
        let signature = try key.sign([])
        #expect(signature == Self.bytes("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"))
        #expect(key.publicKey.isValidSignature(signature, for: []))
    }

    @Test("a changed message, signature or key does not verify")
    func tampering() throws {
        let key = try Ed25519PrivateKey.generate()
        let message = Array("Phản ánh đúng".utf8)
        var signature = try key.sign(message)
        #expect(key.publicKey.isValidSignature(signature, for: message))
        #expect(!key.publicKey.isValidSignature(signature, for: message + [0]))
        #expect(!(try Ed25519PrivateKey.generate()).publicKey.isValidSignature(signature, for: message))
        #expect(!key.publicKey.isValidSignature(Array(signature.prefix(63)), for: message))
        signature[10] ^= 1
        #expect(!key.publicKey.isValidSignature(signature, for: message))
    }

    @Test("keys of the wrong size are refused with a sentence")
    func sizes() {
        #expect(throws: CryptoError.self) { try Ed25519PrivateKey(rawRepresentation: [1, 2, 3]) }
        #expect(throws: CryptoError.self) { try Ed25519PublicKey(rawRepresentation: []) }
    }

    @Test("a key file is made once, 0600, and read back")
    func keyFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ed25519-\(UUID().uuidString).key").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let made = try Ed25519PrivateKey.loadOrCreate(at: path)
        let read = try Ed25519PrivateKey.loadOrCreate(at: path)
        #expect(made == read)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
