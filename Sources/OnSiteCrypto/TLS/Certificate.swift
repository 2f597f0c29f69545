import CCrypto

/// An X.509 v3 certificate under construction, owned by Swift.
///
/// Each builder step throws ``CryptoError`` with OpenSSL's error text if OpenSSL refuses it.
final class Certificate {
    let pointer: OpaquePointer

    init() throws(CryptoError) {
        ERR_clear_error()
        guard let pointer = X509_new() else { throw .openSSL("allocating a certificate") }
        self.pointer = pointer
        guard X509_set_version(pointer, 2) == 1 else { throw .openSSL("setting the certificate version to v3") }
    }

    private init(pointer: OpaquePointer) { self.pointer = pointer }

    /// Reads the first certificate of a PEM file's bytes.
    static func load(pem bytes: [UInt8], from path: String) throws(CryptoError) -> Certificate {
        ERR_clear_error()
        guard let bio = bytes.withUnsafeBytes({ BIO_new_mem_buf($0.baseAddress, Int32($0.count)) }) else {
            throw .openSSL("allocating a memory BIO")
        }
        defer { BIO_free(bio) }
        guard let certificate = PEM_read_bio_X509(bio, nil, nil, nil) else { throw .openSSL("reading the certificate \(path)") }
        return Certificate(pointer: certificate)
    }

    /// Whole days from now until the certificate expires (negative once expired).
    func daysLeft() throws(CryptoError) -> Int {
        var days: Int32 = 0, seconds: Int32 = 0
        guard ASN1_TIME_diff(&days, &seconds, nil, X509_get0_notAfter(pointer)) == 1 else { throw .openSSL("reading notAfter") }
        return Int(days)
    }

    deinit { X509_free(pointer) }

    /// A random positive 128-bit serial number.
    func setRandomSerial() throws(CryptoError) {
        var bytes = try SecureRandom.bytes(count: 16)
        bytes[0] &= 0x7f
        guard let number = BN_bin2bn(bytes, Int32(bytes.count), nil) else { throw .openSSL("making a serial number") }
        defer { BN_free(number) }
        guard BN_to_ASN1_INTEGER(number, X509_get_serialNumber(pointer)) != nil else {
            throw .openSSL("setting the serial number")
        }
    }

    /// Valid from an hour ago (devices' clocks drift) for `days` days.
    func setValidity(days: Int) throws(CryptoError) {
        guard X509_gmtime_adj(X509_getm_notBefore(pointer), -3600) != nil else { throw .openSSL("setting notBefore") }
        guard X509_time_adj_ex(X509_getm_notAfter(pointer), Int32(days), 0, nil) != nil else {
            throw .openSSL("setting notAfter")
        }
    }

    /// Sets the subject to `O=organization, CN=commonName`.
    func setSubject(commonName: String, organization: String) throws(CryptoError) {
        guard let name = X509_NAME_new() else { throw .openSSL("allocating a name") }
        defer { X509_NAME_free(name) }
        for (field, value) in [("O", organization), ("CN", commonName)] {
            guard X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, value, -1, -1, 0) == 1 else {
                throw .openSSL("adding \(field)=\(value) to a certificate name")
            }
        }
        guard X509_set_subject_name(pointer, name) == 1 else { throw .openSSL("setting the subject name") }
    }

    /// Copies the issuer's subject name into this certificate's issuer field.
    func setIssuer(_ issuer: Certificate) throws(CryptoError) {
        guard X509_set_issuer_name(pointer, X509_get_subject_name(issuer.pointer)) == 1 else {
            throw .openSSL("setting the issuer name")
        }
    }

    func setPublicKey(of key: PrivateKey) throws(CryptoError) {
        guard X509_set_pubkey(pointer, key.pointer) == 1 else { throw .openSSL("setting the public key") }
    }

    /// Adds an extension written in OpenSSL's config syntax, e.g. `(NID_basic_constraints, "critical,CA:TRUE")`.
    func addExtension(_ nid: Int32, _ value: String, issuer: Certificate) throws(CryptoError) {
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer.pointer, pointer, nil, nil, 0)
        guard let ext = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
            throw .openSSL("building the extension \"\(value)\" (NID \(nid))")
        }
        defer { X509_EXTENSION_free(ext) }
        guard X509_add_ext(pointer, ext, -1) == 1 else { throw .openSSL("adding the extension \(value)") }
    }

    /// Signs with ECDSA/SHA-256.
    func sign(with key: PrivateKey) throws(CryptoError) {
        guard X509_sign(pointer, key.pointer, EVP_sha256()) > 0 else { throw .openSSL("signing the certificate") }
    }

    func pem() throws(CryptoError) -> [UInt8] {
        try MemoryBIO.collect("encoding a certificate as PEM") { bio in PEM_write_bio_X509(bio, pointer) }
    }

    /// SHA-256 over the DER encoding, as `openssl x509 -fingerprint -sha256` shows it.
    func fingerprint() throws(CryptoError) -> SHA256Digest {
        var bytes = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard X509_digest(pointer, EVP_sha256(), &bytes, &length) == 1, length == SHA256.byteCount else {
            throw .openSSL("computing the certificate fingerprint")
        }
        return SHA256Digest(bytes: Array(bytes.prefix(Int(length))))
    }
}
