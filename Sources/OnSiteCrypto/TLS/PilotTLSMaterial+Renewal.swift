import CCrypto
import Foundation

extension PilotTLSMaterial {
    /// Issues a new server key and certificate from the CA kept in `directory` (`ca.pem` and `ca-key.pem`), and
    /// replaces `cert.pem` and `key.pem` atomically: devices keep their pinned `ca.pem`. Restart the relay to
    /// serve it.
    ///
    /// The certificate is valid for `validityDays`, or until the CA expires if that comes first.
    ///
    /// - Throws: ``CryptoError`` when the CA or its key is missing or unreadable (material made before the CA key
    ///   was kept cannot be renewed: make a new CA and pin it on devices), when the CA has expired, or for an
    ///   invalid host.
    public static func renew(
        forHost host: String,
        additionalHosts: [String] = [],
        in directory: String,
        validityDays: Int = 825
    ) throws(CryptoError) -> PilotTLSMaterial {
        guard (1...825).contains(validityDays) else {
            throw .invalidArgument("A pilot certificate is valid for 1 to 825 days (got \(validityDays)).")
        }
        let names = try subjectAlternativeNames(host: host, additionalHosts: additionalHosts)
        let caPath = directory + "/ca.pem", caKeyPath = directory + "/ca-key.pem"
        guard let caBytes = FileManager.default.contents(atPath: caPath), let keyBytes = FileManager.default.contents(atPath: caKeyPath) else {
            throw .invalidArgument("\(directory) has no ca.pem and ca-key.pem to renew from (material made before the CA key was kept "
                + "has none). Make a new CA in another folder with `onsite-relay cert --self-signed`, and pin its ca.pem on devices.")
        }
        let ca = try Certificate.load(pem: Array(caBytes), from: caPath)
        let caKey = try PrivateKey.load(pem: Array(keyBytes), from: caKeyPath)
        let daysLeft = try ca.daysLeft()
        guard daysLeft >= 1 else {
            throw .invalidArgument("The CA in \(caPath) has expired: make a new CA with `onsite-relay cert --self-signed` in another folder and pin it on devices.")
        }
        let commonName = host.utf8.count <= 64 ? host : "OnSite relay"
        return try issueServerCertificate(
            ca: ca, caKey: caKey, names: names, commonName: commonName, directory: directory,
            validityDays: min(validityDays, daysLeft))
    }
}
