import Foundation

/// One `subjectAltName` entry: a DNS name or an IP address, checked so it cannot inject other entries.
struct SubjectAlternativeName: Hashable {
    /// The entry in OpenSSL's config syntax: `DNS:relay.local` or `IP:10.0.0.5`.
    let configValue: String

    /// Classifies `host` as an IPv4/IPv6 address or a DNS name.
    ///
    /// - Throws: ``CryptoError`` if it is neither (empty, too long, spaces, commas, ...).
    init(host: String) throws(CryptoError) {
        if Self.isIPAddress(host) {
            configValue = "IP:" + host
        } else if Self.isDNSName(host) {
            configValue = "DNS:" + host
        } else {
            throw .invalidHost(host)
        }
    }

    static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }

    /// Letters, digits and '-' in dot-separated labels of 1–63 characters, 253 characters at most.
    static func isDNSName(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            (1...63).contains(label.utf8.count)
                && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.utf8.allSatisfy { byte in
                    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
                        || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
                }
        }
    }
}
