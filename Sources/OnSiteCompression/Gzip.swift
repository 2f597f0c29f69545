import CZlib
import Foundation

/// gzip (RFC 1952) for HTTP bodies, over the system's zlib.
///
/// Inflation is bounded: ``decompress(_:limit:)`` stops as soon as the output would pass `limit` bytes, so a
/// small body that expands to gigabytes (a decompression bomb) costs at most `limit` bytes of memory and the
/// time to produce them, and is refused.
public enum Gzip {
    /// The body's bytes, gzip-compressed.
    public static func compress(_ data: Data, level: Int32 = 6) throws(GzipError) -> Data {
        var stream = z_stream()
        guard onsite_deflate_init_gzip(&stream, level) == Z_OK else { throw .failed("deflateInit2 failed") }
        defer { deflateEnd(&stream) }
        var output = Data(count: Int(deflateBound(&stream, uLong(data.count))) + 32)
        let status: Int32 = data.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(out.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw .failed("deflate returned \(status)") }
        output.count = Int(stream.total_out)
        return output
    }

    /// The body inflated, when it is one gzip member of at most `limit` bytes once inflated.
    ///
    /// - Throws: ``GzipError/tooLarge(limit:)`` as soon as the output passes `limit` (nothing more is inflated);
    ///   ``GzipError/corrupt(_:)`` for bytes that are not gzip, a truncated stream, or bytes after its end.
    public static func decompress(_ data: Data, limit: Int) throws(GzipError) -> Data {
        var stream = z_stream()
        guard onsite_inflate_init_gzip(&stream) == Z_OK else { throw .failed("inflateInit2 failed") }
        defer { inflateEnd(&stream) }
        var output = Data()
        let piece = 64 * 1024
        var buffer = [UInt8](repeating: 0, count: piece)
        let result: Result<Void, GzipError> = data.withUnsafeBytes { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(input.count)
            while true {
                let (status, produced) = buffer.withUnsafeMutableBytes { out -> (Int32, Int) in
                    stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                    stream.avail_out = uInt(piece)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    return (status, piece - Int(stream.avail_out))
                }
                guard output.count + produced <= limit else { return .failure(.tooLarge(limit: limit)) }
                output.append(contentsOf: buffer[0..<produced])
                switch status {
                case Z_STREAM_END:
                    return stream.avail_in == 0 ? .success(()) : .failure(.corrupt("bytes follow the end of the gzip stream"))
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.avail_in == 0:
                    return .failure(.corrupt("the gzip stream is truncated"))
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "inflate returned \(status)"
                    return .failure(.corrupt(reason))
                }
            }
        }
        try result.get()
        return output
    }

    /// Whether an `Accept-Encoding` header value accepts gzip (RFC 9110: `gzip` or `*`, unless its q is 0).
    public static func isAccepted(byHeader value: String?) -> Bool {
        guard let value else { return false }
        for item in value.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let coding = parts.first, coding == "gzip" || coding == "x-gzip" || coding == "*" else { continue }
            let weight = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if weight > 0 { return true }
        }
        return false
    }
}

/// A body that could not be compressed or inflated.
public enum GzipError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Inflated, the body would pass the limit.
    case tooLarge(limit: Int)
    /// The bytes are not one whole gzip stream.
    case corrupt(String)
    /// zlib failed (out of memory).
    case failed(String)

    public var description: String {
        switch self {
        case .tooLarge(let limit): "the body inflates past \(limit) bytes"
        case .corrupt(let reason): "the body is not valid gzip: \(reason)"
        case .failed(let reason): "zlib failed: \(reason)"
        }
    }
}
