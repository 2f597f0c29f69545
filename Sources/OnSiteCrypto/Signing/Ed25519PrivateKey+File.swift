import Foundation

extension Ed25519PrivateKey {
    /// The key stored at `path` (its 32-byte seed, mode 0600), made and stored there first if the file is absent.
    ///
    /// Relays that share a data folder may start together on a folder without a key: the new key is written whole
    /// to a file of this process's own, then linked into place, which fails when another process linked its key
    /// first; that key is then read, so every relay signs with the one key on disk.
    ///
    /// - Throws: ``CryptoError`` when the file cannot be read or written, or does not hold 32 bytes.
    public static func loadOrCreate(at path: String) throws(CryptoError) -> Ed25519PrivateKey {
        if FileManager.default.fileExists(atPath: path) {
            guard let data = FileManager.default.contents(atPath: path) else { throw .fileUnreadable(path, errno: EACCES) }
            guard data.count == Ed25519.keyByteCount else {
                throw .invalidArgument("\(path) holds \(data.count) bytes, not a 32-byte Ed25519 key; restore it from a backup (checkpoints signed with it stay checkable only with it).")
            }
            return try Ed25519PrivateKey(rawRepresentation: Array(data))
        }
        let key = try generate()
        guard try PrivateFile.writeIfAbsent(key.rawRepresentation, to: path, mode: 0o600) else { return try loadOrCreate(at: path) }
        return key
    }

    /// The key stored at `path`, or nil when there is no such file.
    public static func load(at path: String) throws(CryptoError) -> Ed25519PrivateKey? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try loadOrCreate(at: path)
    }
}
