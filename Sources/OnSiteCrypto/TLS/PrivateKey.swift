import CCrypto

/// An OpenSSL `EVP_PKEY` owned by Swift: freed when the last reference goes.
final class PrivateKey {
    let pointer: OpaquePointer

    private init(pointer: OpaquePointer) { self.pointer = pointer }

    deinit { EVP_PKEY_free(pointer) }

    /// A new EC key on the NIST P-256 curve (named-curve encoding).
    static func makeP256() throws(CryptoError) -> PrivateKey {
        ERR_clear_error()
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else {
            throw .openSSL("creating an EC key context")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1 else { throw .openSSL("starting EC key generation") }
        guard EVP_PKEY_CTX_set_group_name(context, "P-256") == 1 else { throw .openSSL("choosing the P-256 curve") }
        var key: OpaquePointer?
        guard EVP_PKEY_generate(context, &key) == 1, let key else { throw .openSSL("generating a P-256 key") }
        return PrivateKey(pointer: key)
    }

    /// Reads a PEM private key (PKCS#8 or traditional, unencrypted).
    static func load(pem bytes: [UInt8], from path: String) throws(CryptoError) -> PrivateKey {
        ERR_clear_error()
        guard let bio = bytes.withUnsafeBytes({ BIO_new_mem_buf($0.baseAddress, Int32($0.count)) }) else {
            throw .openSSL("allocating a memory BIO")
        }
        defer { BIO_free(bio) }
        guard let key = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else { throw .openSSL("reading the private key \(path)") }
        return PrivateKey(pointer: key)
    }

    /// The private key in PKCS#8 PEM ("BEGIN PRIVATE KEY"), unencrypted.
    func pem() throws(CryptoError) -> [UInt8] {
        try MemoryBIO.collect("encoding the private key as PEM") { bio in
            PEM_write_bio_PrivateKey(bio, pointer, nil, nil, 0, nil, nil)
        }
    }
}
