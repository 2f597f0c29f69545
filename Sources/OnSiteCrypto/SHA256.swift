import CCrypto
import Foundation

/// SHA-256 over bytes in memory or over a file read in bounded chunks.
///
/// ```swift
/// let id = SHA256.hash(Data("abc".utf8)).hex
/// let fileDigest = try SHA256.hash(fileAt: "/var/onsite/photos/0042.jpg")
/// ```
///
/// For data that arrives piece by piece, use ``SHA256Hasher``.
public enum SHA256 {
    /// The size of a digest in bytes.
    public static let byteCount = 32

    /// The default read size of ``hash(fileAt:chunkSize:)``.
    public static let defaultChunkSize = 256 * 1024

    /// Hashes a buffer in one call.
    ///
    /// Traps only if OpenSSL cannot allocate its digest context (out of memory).
    public static func hash(bytes: UnsafeRawBufferPointer) -> SHA256Digest {
        var output = [UInt8](repeating: 0, count: byteCount)
        var length: UInt32 = 0
        let status = output.withUnsafeMutableBufferPointer { out in
            EVP_Digest(bytes.baseAddress, bytes.count, out.baseAddress, &length, EVP_sha256(), nil)
        }
        precondition(status == 1 && length == byteCount, "EVP_Digest(SHA-256) failed: \(CryptoError.drainOpenSSLErrors())")
        return SHA256Digest(bytes: output)
    }

    /// Hashes `data` in one call.
    public static func hash(_ data: Data) -> SHA256Digest {
        data.withUnsafeBytes { hash(bytes: $0) }
    }

    /// Hashes a byte array in one call.
    public static func hash(_ bytes: [UInt8]) -> SHA256Digest {
        bytes.withUnsafeBytes { hash(bytes: $0) }
    }

    /// Hashes the UTF-8 encoding of `string`.
    public static func hash(utf8 string: String) -> SHA256Digest {
        hash(Array(string.utf8))
    }

    /// Hashes a whole file, reading `chunkSize` bytes at a time, so memory stays bounded whatever the file size.
    ///
    /// - Parameters:
    ///   - path: The file to read.
    ///   - chunkSize: Bytes read per `read(2)` call; at least 1.
    /// - Throws: ``CryptoError`` if the file cannot be opened or read.
    public static func hash(fileAt path: String, chunkSize: Int = defaultChunkSize) throws(CryptoError) -> SHA256Digest {
        guard chunkSize > 0 else { throw .invalidArgument("The chunk size must be at least 1 byte (got \(chunkSize)).") }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .fileUnreadable(path, errno: errno) }
        defer { close(descriptor) }

        let hasher = SHA256Hasher()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 1)
        defer { buffer.deallocate() }
        while true {
            let count = read(descriptor, buffer.baseAddress, chunkSize)
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw .fileUnreadable(path, errno: errno)
            }
            hasher.update(bytes: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
        return hasher.finalize()
    }
}
