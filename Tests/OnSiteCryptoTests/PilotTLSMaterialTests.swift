import Foundation
import OnSiteCrypto
import OnSiteRelayProcess
import Testing

@Suite("Pilot TLS material")
struct PilotTLSMaterialTests {
    @Test func certificateChainVerifiesAndNamesTheHost() throws {
        // Given a fresh directory
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // When material is made for a DNS name
        let tls = try PilotTLSMaterial.make(forHost: "relay.site.local", in: directory)
        // Then the leaf verifies against the CA for TLS server use
        let verify = try OpenSSLCommand.run(["verify", "-purpose", "sslserver", "-CAfile", tls.caCertificatePath,
                                             tls.certificateChainPath])
        #expect(verify.status == 0, "\(verify.output)")
        #expect(verify.output.contains(": OK"))
        // And the leaf names the host, localhost and loopback, for serverAuth
        let text = try OpenSSLCommand.run(["x509", "-noout", "-text", "-in", tls.certificateChainPath]).output
        #expect(text.contains("DNS:relay.site.local, DNS:localhost, IP Address:127.0.0.1"))
        #expect(text.contains("TLS Web Server Authentication"))
        #expect(text.contains("CA:FALSE"))
        #expect(text.contains("ASN1 OID: prime256v1"))
        // And the CA is a CA that can sign certificates
        let caText = try OpenSSLCommand.run(["x509", "-noout", "-text", "-in", tls.caCertificatePath]).output
        #expect(caText.contains("CA:TRUE"))
        #expect(caText.contains("Certificate Sign"))
        // And the fingerprint matches openssl's
        let fingerprint = try OpenSSLCommand.run(["x509", "-noout", "-fingerprint", "-sha256", "-in",
                                                  tls.caCertificatePath]).output
        #expect(fingerprint.replacingOccurrences(of: ":", with: "").lowercased().contains(tls.caFingerprint.hex))
        // And the key matches the certificate and is private to its owner
        let keyCheck = try OpenSSLCommand.run(["pkey", "-in", tls.privateKeyPath, "-noout", "-check"])
        #expect(keyCheck.status == 0, "\(keyCheck.output)")
        let mode = try FileManager.default.attributesOfItem(atPath: tls.privateKeyPath)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // And cert.pem holds the leaf then the CA
        let chain = try String(contentsOfFile: tls.certificateChainPath, encoding: .utf8)
        #expect(chain.components(separatedBy: "BEGIN CERTIFICATE").count == 3)
        #expect(chain.hasSuffix(try String(contentsOfFile: tls.caCertificatePath, encoding: .utf8)))
    }

    @Test func anIPHostBecomesAnIPEntry() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tls = try PilotTLSMaterial.make(forHost: "10.1.2.3", additionalHosts: ["relay.lan"], in: directory,
                                            validityDays: 30)
        #expect(tls.subjectAlternativeNames == ["IP:10.1.2.3", "DNS:relay.lan", "DNS:localhost", "IP:127.0.0.1"])
        let text = try OpenSSLCommand.run(["x509", "-noout", "-text", "-in", tls.certificateChainPath]).output
        #expect(text.contains("IP Address:10.1.2.3, DNS:relay.lan"))
        let verify = try OpenSSLCommand.run(["verify", "-CAfile", tls.caCertificatePath, "-verify_ip", "10.1.2.3",
                                             tls.certificateChainPath])
        #expect(verify.status == 0, "\(verify.output)")
    }

    @Test func anExistingFolderIsRefusedAndRenewalKeepsTheCA() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try PilotTLSMaterial.make(forHost: "relay.site.local", in: directory)
        let caBefore = try String(contentsOfFile: first.caCertificatePath, encoding: .utf8)
        let leafBefore = try String(contentsOfFile: first.certificateChainPath, encoding: .utf8)
        // The CA key is kept, private to its owner
        let caKeyMode = try FileManager.default.attributesOfItem(atPath: first.caPrivateKeyPath)[.posixPermissions] as? Int
        #expect(caKeyMode == 0o600)
        // A second `make` into the same folder is refused and changes nothing
        #expect {
            try PilotTLSMaterial.make(forHost: "relay.site.local", in: directory)
        } throws: { error in
            "\(error)".contains("already exists") && "\(error)".contains("--renew")
        }
        #expect(try String(contentsOfFile: first.certificateChainPath, encoding: .utf8) == leafBefore)
        // Renewal: a new leaf and key, the same CA, and the chain verifies against the pinned ca.pem
        let renewed = try PilotTLSMaterial.renew(forHost: "relay.site.local", in: directory, validityDays: 90)
        #expect(try String(contentsOfFile: renewed.caCertificatePath, encoding: .utf8) == caBefore)
        #expect(try String(contentsOfFile: renewed.certificateChainPath, encoding: .utf8) != leafBefore)
        #expect(renewed.caFingerprint == first.caFingerprint)
        let verify = try OpenSSLCommand.run(["verify", "-purpose", "sslserver", "-CAfile", renewed.caCertificatePath,
                                             renewed.certificateChainPath])
        #expect(verify.status == 0, "\(verify.output)")
        let match = try OpenSSLCommand.run(["x509", "-noout", "-pubkey", "-in", renewed.certificateChainPath]).output
        let key = try OpenSSLCommand.run(["pkey", "-pubout", "-in", renewed.privateKeyPath]).output
        #expect(match == key, "key.pem does not match the renewed certificate")
        // A folder without a CA key cannot be renewed, with a sentence
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID())").path
        #expect {
            try PilotTLSMaterial.renew(forHost: "relay.site.local", in: empty)
        } throws: { error in
            "\(error)".contains("no ca.pem and ca-key.pem")
        }
    }

    @Test(arguments: ["", "relay,DNS:evil.example", "has space", "-leading.dash", "a..b"])
    func hostsThatCannotGoInACertificateAreRejected(host: String) {
        #expect(throws: CryptoError.self) {
            try PilotTLSMaterial.make(forHost: host, in: FileManager.default.temporaryDirectory.path)
        }
    }
}

/// Runs the `openssl` command line tool and captures its combined output.
enum OpenSSLCommand {
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = try ChildProcess("/usr/bin/env", ["openssl"] + arguments, output: .pipe, error: .toOutput)
        let data = process.readOutputToEnd()
        return (process.wait().status, String(decoding: data, as: UTF8.self))
    }
}
