import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import OnSiteCompression
import OnSiteSync

/// gzip on the wire (`Content-Encoding`, `Accept-Encoding`): pulled pages and push results are compressed
/// for a device that accepts it, and a change set may arrive compressed.
///
/// A compressed body is read up to the body limit as it came, then inflated with the same limit on its output:
/// a body that would inflate past it is refused (413) before more than the limit is ever produced.
enum ContentEncoding {
    /// Responses smaller than this go as they are: gzip's header and trailer would outweigh the saving.
    static let minimumCompressedBytes = 1024

    /// The request body, inflated when it says `Content-Encoding: gzip`; at most `limit` bytes either way.
    static func body(of request: Request, limit: Int) async throws -> Data {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw RelayError.tooLarge(limit: limit)
        }
        let data = Data(buffer.readableBytesView)
        switch request.headers[.contentEncoding]?.trimmingCharacters(in: .whitespaces).lowercased() {
        case nil, "", "identity":
            return data
        case "gzip", "x-gzip":
            do {
                return try Gzip.decompress(data, limit: limit)
            } catch .tooLarge {
                throw RelayError(.contentTooLarge, code: .bodyTooLarge,
                                 message: "The gzip body inflates past \(limit) bytes; nothing was inflated further or stored. Send fewer operations per change set.")
            } catch {
                throw RelayError(.badRequest, code: .malformedBody, message: "The body says `Content-Encoding: gzip` but \(error.description). Send it again, compressed whole, or uncompressed.")
            }
        case let other?:
            throw RelayError(.unsupportedMediaType, code: .unsupportedEncoding,
                             message: "The body's `Content-Encoding: \(other.prefix(40))` is not one the relay reads; send gzip or no encoding.")
        }
    }

    /// A JSON response, gzip-compressed when the request accepts gzip and the body is large enough to gain.
    static func json<T: Encodable>(_ value: T, for request: Request, status: HTTPResponse.Status = .ok) throws -> Response {
        json(encoded: try WireCoding.encode(value), for: request, status: status)
    }

    /// JSON already encoded, compressed when the client accepts it and it is worth it.
    static func json(encoded data: Data, for request: Request, status: HTTPResponse.Status = .ok) -> Response {
        var response: Response
        if Gzip.isAccepted(byHeader: request.headers[.acceptEncoding]), data.count >= minimumCompressedBytes,
           let compressed = try? Gzip.compress(data, level: 5) {
            response = JSONResponse.make(encoded: compressed, status: status, contentEncoding: "gzip")
        } else {
            response = JSONResponse.make(encoded: data, status: status)
        }
        response.headers[.vary] = "Accept-Encoding"
        return response
    }
}
