import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import OnSiteCrypto
import OnSiteRelay
import OnSiteSync
import Testing

/// The upload protocol's header and hash forms: one definition the relay, the validator and the spec share.
@Suite("Upload wire forms")
struct UploadWireTests {
    typealias Routes = UploadRouteTests
    static let openAPI = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Protocol/openapi.yaml")

    @Test("A blob hash is 64 lowercase ASCII hex digits: fullwidth, uppercase and other lengths are refused")
    func blobHashForm() {
        #expect(UploadProtocol.isBlobHash(String(repeating: "0123456789abcdef", count: 4)))
        let fullwidth = String(repeating: "０１２３４５６７８９ａｂｃｄｅｆ", count: 4)
        #expect(fullwidth.count == 64 && fullwidth.allSatisfy(\.isHexDigit), "the trap: Character.isHexDigit says yes")
        #expect(!UploadProtocol.isBlobHash(fullwidth))
        #expect(!UploadProtocol.isBlobHash(String(repeating: "A", count: 64)))
        #expect(!UploadProtocol.isBlobHash(String(repeating: "a", count: 63)))
        #expect(!UploadProtocol.isBlobHash(String(repeating: "a", count: 63) + "\u{301}"))
    }

    static let digest = SHA256.hash(Data("chunk".utf8))
    static let checksumCases: [(String, Bool)] = [
        ("sha256 \(digest.hex)", true),
        ("sha256 \(Data(digest.bytes).base64EncodedString())", true),
        ("SHA256 \(digest.hex)", false),
        ("sha256  \(digest.hex)", false),
        ("sha256 \(digest.hex.uppercased())", false),
        ("sha256 \(digest.hex) ", false),
        ("sha256 \(String(digest.hex.dropLast()))", false),
        ("sha256 " + String(repeating: "ａ", count: 64), false),
        ("sha256 \(Data(digest.bytes).base64EncodedString().dropLast())", false),
        ("sha256 \(Data(digest.bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-"))x", false),
        ("md5 \(digest.hex)", false),
        ("", false),
    ]

    @Test("Upload-Checksum: the relay accepts exactly the values the spec's pattern allows")
    func checksumAgreesWithSpec() throws {
        let spec = try String(contentsOf: Self.openAPI, encoding: .utf8)
        let escaped = UploadProtocol.checksumPattern.replacingOccurrences(of: "\\", with: "\\\\")
        #expect(spec.contains("pattern: \"\(escaped)\""), "openapi.yaml states the Upload-Checksum pattern")
        let regex = try NSRegularExpression(pattern: UploadProtocol.checksumPattern)
        for (value, valid) in Self.checksumCases {
            let range = NSRange(value.startIndex..., in: value)
            let matches = regex.firstMatch(in: value, range: range) != nil
            #expect(matches == valid, "spec pattern on \(value)")
            #expect((UploadProtocol.parseChecksum(value) != nil) == valid, "relay on \(value)")
        }
        #expect(UploadProtocol.parseChecksum("sha256 \(Data(Self.digest.bytes).base64EncodedString())") == Self.digest.bytes)
        #expect(UploadProtocol.parseChecksum("sha256 \(Self.digest.hex)") == Self.digest.bytes)
    }

    @Test("A chunk checksummed in base64 is stored; a fullwidth hash in the path is 400 invalid_hash")
    func routesUseTheSharedForms() async throws {
        let fixture = try await RelayRouteTests.Fixture()
        let photo = try Routes.sample("dbp-site-1.jpg")
        let sha256 = Routes.hash(photo)
        try await fixture.server.makeApplication().test(.router) { client in
            try await Routes.seed(client, fixture, [photo])
            _ = try await Routes.create(client, fixture.officer.token, photo)
            let base64 = Data(SHA256.hash(photo).bytes).base64EncodedString()
            let done = try await Routes.patch(client, fixture.officer.token, sha256, offset: 0, photo, checksum: "sha256 \(base64)")
            #expect(try done.status == .ok && Routes.status(done).complete)
            let fullwidth = String(repeating: "ａ", count: 64).addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? ""
            let refused = try await client.execute(uri: "/v1/uploads/\(fullwidth)", method: .get, headers: RelayRouteTests.headers(fixture.officer.token))
            #expect(refused.status == .badRequest && Routes.errorCode(refused) == .invalidHash)
        }
    }

    @Test("Upload-Offset and Content-Length are plain decimal digits", arguments: ["+0", "-0", "0x0", "1e3", "１", "9223372036854775808"])
    func offsetForms(_ offset: String) async throws {
        #expect(UploadProtocol.parseOffset(offset) == nil)
        let fixture = try await RelayRouteTests.Fixture()
        let photo = try Routes.sample("dbp-site-1.jpg")
        try await fixture.server.makeApplication().test(.router) { client in
            try await Routes.seed(client, fixture, [photo])
            _ = try await Routes.create(client, fixture.officer.token, photo)
            var headers = Routes.headers(fixture.officer.token, offset: 0, chunk: photo)
            headers[HTTPField.Name("Upload-Offset")!] = offset
            let answer = try await client.execute(uri: "/v1/uploads/\(Routes.hash(photo))", method: .patch, headers: headers, body: ByteBuffer(bytes: photo))
            #expect(answer.status == .badRequest && Routes.errorCode(answer) == .invalidHeader)
        }
        #expect(UploadProtocol.parseOffset("0") == 0 && UploadProtocol.parseOffset("123456") == 123_456)
    }
}
