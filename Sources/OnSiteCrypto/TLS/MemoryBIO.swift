import CCrypto

/// Runs an OpenSSL writer against a memory `BIO` and returns what it wrote.
enum MemoryBIO {
    /// - Parameters:
    ///   - operation: What is being encoded, for the error message.
    ///   - write: Writes into the BIO and returns OpenSSL's status (1 on success).
    static func collect(_ operation: String, _ write: (OpaquePointer) -> Int32) throws(CryptoError) -> [UInt8] {
        guard let bio = BIO_new(BIO_s_mem()) else { throw .openSSL("allocating a memory BIO") }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { throw .openSSL(operation) }
        let pending = Int(BIO_ctrl_pending(bio))
        var bytes = [UInt8](repeating: 0, count: pending)
        let read = bytes.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32(pending)) }
        guard read == pending else { throw .openSSL(operation) }
        return bytes
    }
}
