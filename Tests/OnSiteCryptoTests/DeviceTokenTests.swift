import OnSiteCrypto
import Testing

@Suite("Device tokens and random bytes")
struct DeviceTokenTests {
    @Test func tokensHaveTheDocumentedFormat() throws {
        let token = try DeviceToken.generate()
        #expect(token.rawValue.hasPrefix("ost_"))
        #expect(token.rawValue.count == 47)
        #expect(token.rawValue.dropFirst(4).allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(DeviceToken(rawValue: token.rawValue) == token)
    }

    @Test func tokensAreUnique() throws {
        var seen = Set<String>()
        for _ in 0..<2000 { seen.insert(try DeviceToken.generate().rawValue) }
        #expect(seen.count == 2000)
    }

    @Test func hashIsSHA256HexOfTheText() throws {
        let token = try DeviceToken.generate()
        #expect(token.hashHex == SHA256.hash(utf8: token.rawValue).hex)
        #expect(token.hashHex.count == 64)
        #expect(DeviceToken.hashHex(of: token.rawValue) == token.hashHex)
    }

    @Test func descriptionDoesNotLeakTheSecret() throws {
        let token = try DeviceToken.generate()
        #expect("\(token)".count == 7)
        #expect(!"\(token)".contains(token.rawValue.dropFirst(6)))
    }

    @Test(arguments: ["", "ost_", "ost_short", "xyz_" + String(repeating: "a", count: 43),
                      "ost_" + String(repeating: "a", count: 42) + "=", "ost_" + String(repeating: "a", count: 44)])
    func malformedTokensAreRejected(text: String) {
        #expect(DeviceToken(rawValue: text) == nil)
    }

    @Test func randomBytes() throws {
        #expect(try SecureRandom.bytes(count: 0).isEmpty)
        let a = try SecureRandom.bytes(count: 32)
        let b = try SecureRandom.bytes(count: 32)
        #expect(a.count == 32 && a != b)
    }
}
