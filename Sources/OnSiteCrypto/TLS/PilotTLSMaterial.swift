import CCrypto
import Foundation

/// Self-signed TLS files for a pilot relay: a small CA and a server certificate it signed.
///
/// ``make(forHost:additionalHosts:in:validityDays:)`` writes four PEM files into a new directory (it refuses one
/// that already holds them):
/// - `ca.pem`: the CA certificate (valid 10 years). Copy it to each device and pin it (`caCertificatePath`).
/// - `ca-key.pem`: the CA's private key, mode 0600: keep it with the relay's administrator (off the relay if you
///   can); ``renew(forHost:additionalHosts:in:validityDays:)`` signs the next server certificate with it, so
///   devices keep their pinned `ca.pem`.
/// - `cert.pem`: the server certificate, then the CA certificate (the chain the relay presents).
/// - `key.pem`: the server's private key (PKCS#8, unencrypted), mode 0600.
///
/// Keys are EC P-256 and signatures ECDSA/SHA-256.
///
/// ```swift
/// let tls = try PilotTLSMaterial.make(forHost: "relay.site.local", in: "/var/lib/onsite/tls")
/// print("Pin \(tls.caCertificatePath) on devices; fingerprint \(tls.caFingerprint)")
/// ```
public struct PilotTLSMaterial: Sendable, Hashable {
    /// The directory holding the three files.
    public let directory: String
    /// SHA-256 of the CA certificate's DER encoding, to read out when installing it on a device.
    public let caFingerprint: SHA256Digest
    /// The server certificate's `subjectAltName` entries, e.g. `["DNS:relay.local", "DNS:localhost", "IP:127.0.0.1"]`.
    public let subjectAlternativeNames: [String]
    /// When the server certificate expires (the CA lives ``caValidityDays``).
    public let notAfter: Date

    /// `directory/ca.pem`.
    public var caCertificatePath: String { directory + "/ca.pem" }
    /// `directory/cert.pem`: server certificate then CA certificate.
    public var certificateChainPath: String { directory + "/cert.pem" }
    /// `directory/key.pem`: the server's private key, mode 0600.
    public var privateKeyPath: String { directory + "/key.pem" }
    /// `directory/ca-key.pem`: the CA's private key, mode 0600.
    public var caPrivateKeyPath: String { directory + "/ca-key.pem" }

    /// How long the CA is valid: server certificates are renewed under it without touching devices.
    public static let caValidityDays = 3_650

    /// Generates a CA and a server certificate for `host` and writes them into `directory`.
    ///
    /// The server certificate names `host` (as `DNS:` or `IP:`), `localhost`, `127.0.0.1` and each of
    /// `additionalHosts` in its `subjectAltName`, and carries `extendedKeyUsage = serverAuth`.
    /// The directory is created with mode 0700 if missing; one that already holds any of the files is refused
    /// (a CA in use would be lost): renew the server certificate instead.
    ///
    /// - Parameters:
    ///   - host: The name or address devices use to reach the relay.
    ///   - additionalHosts: More names or addresses for the same relay.
    ///   - directory: Where to write `ca.pem`, `cert.pem` and `key.pem`.
    ///   - validityDays: Lifetime of the server certificate, 1...825 (the CA lives one day longer).
    /// - Throws: ``CryptoError`` for an invalid host, an OpenSSL failure, or a file that cannot be written.
    public static func make(
        forHost host: String,
        additionalHosts: [String] = [],
        in directory: String,
        validityDays: Int = 825
    ) throws(CryptoError) -> PilotTLSMaterial {
        guard (1...825).contains(validityDays) else {
            throw .invalidArgument("A pilot certificate is valid for 1 to 825 days (got \(validityDays)).")
        }
        let names = try subjectAlternativeNames(host: host, additionalHosts: additionalHosts)
        let commonName = host.utf8.count <= 64 ? host : "OnSite relay"
        let paths = ["ca.pem", "ca-key.pem", "cert.pem", "key.pem"].map { directory + "/" + $0 }
        if let existing = paths.first(where: { FileManager.default.fileExists(atPath: $0) }) {
            throw .invalidArgument("\(existing) already exists: refusing to replace a CA that devices may have pinned. "
                + "Issue a new server certificate from the same CA with `onsite-relay cert --renew --host \(host) --out \(directory)`, "
                + "or choose another --out folder.")
        }

        let caKey = try PrivateKey.makeP256()
        let ca = try Certificate()
        try ca.setRandomSerial()
        try ca.setValidity(days: caValidityDays)
        try ca.setSubject(commonName: "OnSite pilot CA for \(commonName)".prefix(64).description, organization: "OnSite")
        try ca.setIssuer(ca)
        try ca.setPublicKey(of: caKey)
        try ca.addExtension(NID_basic_constraints, "critical,CA:TRUE,pathlen:0", issuer: ca)
        try ca.addExtension(NID_key_usage, "critical,keyCertSign,cRLSign", issuer: ca)
        try ca.addExtension(NID_subject_key_identifier, "hash", issuer: ca)
        try ca.addExtension(NID_authority_key_identifier, "keyid:always", issuer: ca)
        try ca.sign(with: caKey)

        let caPEM = try ca.pem()
        try PrivateFile.makeDirectory(directory)
        try PrivateFile.write(try caKey.pem(), to: directory + "/ca-key.pem", mode: 0o600)
        try PrivateFile.write(caPEM, to: directory + "/ca.pem", mode: 0o644)
        return try issueServerCertificate(
            ca: ca, caKey: caKey, names: names, commonName: commonName, directory: directory, validityDays: validityDays)
    }

    static func subjectAlternativeNames(host: String, additionalHosts: [String]) throws(CryptoError) -> [SubjectAlternativeName] {
        var names: [SubjectAlternativeName] = []
        for candidate in [host] + additionalHosts + ["localhost", "127.0.0.1"] {
            let name = try SubjectAlternativeName(host: candidate)
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// Makes a server key and certificate signed by `ca` and writes `key.pem` and `cert.pem` (leaf then CA).
    static func issueServerCertificate(
        ca: Certificate, caKey: PrivateKey, names: [SubjectAlternativeName], commonName: String, directory: String, validityDays: Int
    ) throws(CryptoError) -> PilotTLSMaterial {
        let serverKey = try PrivateKey.makeP256()
        let server = try Certificate()
        try server.setRandomSerial()
        try server.setValidity(days: validityDays)
        try server.setSubject(commonName: commonName, organization: "OnSite")
        try server.setIssuer(ca)
        try server.setPublicKey(of: serverKey)
        try server.addExtension(NID_basic_constraints, "critical,CA:FALSE", issuer: ca)
        try server.addExtension(NID_key_usage, "critical,digitalSignature", issuer: ca)
        try server.addExtension(NID_ext_key_usage, "serverAuth", issuer: ca)
        try server.addExtension(
            NID_subject_alt_name, names.map(\.configValue).joined(separator: ","), issuer: ca)
        try server.addExtension(NID_subject_key_identifier, "hash", issuer: ca)
        try server.addExtension(NID_authority_key_identifier, "keyid,issuer", issuer: ca)
        try server.sign(with: caKey)

        let material = PilotTLSMaterial(
            directory: directory,
            caFingerprint: try ca.fingerprint(),
            subjectAlternativeNames: names.map(\.configValue),
            notAfter: Date(timeIntervalSinceNow: Double(validityDays) * 86_400)
        )
        try PrivateFile.write(try serverKey.pem(), to: material.privateKeyPath, mode: 0o600)
        try PrivateFile.write(try server.pem() + ca.pem(), to: material.certificateChainPath, mode: 0o644)
        return material
    }
}
