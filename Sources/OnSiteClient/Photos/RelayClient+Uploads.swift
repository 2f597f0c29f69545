import Foundation
import OnSiteSync

/// What the relay answered to one chunk.
public enum ChunkOutcome: Sendable, Hashable {
    /// Stored; the relay now holds `status.offset` bytes.
    case accepted(UploadStatus)
    /// 409: the chunk's offset is not the relay's; nothing stored.
    case offsetMismatch(relayOffset: Int64)
    /// 460: the chunk did not match its checksum and was discarded.
    case checksumMismatch
    /// 409 `upload_restarted`: bytes the relay kept from cut chunks failed the whole-file hash; send from 0.
    case restarted
}

extension RelayClient {
    /// `POST /v1/uploads`: creates the upload or finds it; `complete` when the relay already has the blob.
    public func createUpload(_ upload: UploadRequest, pending: PendingWork, counters: inout WireCounters) async throws -> UploadStatus {
        let response = try await exchange(.post, "/v1/uploads", body: .data(try WireCoding.encode(upload)), json: true, pending: pending, counters: &counters)
        return try decodeSuccess(UploadStatus.self, response)
    }

    /// `GET /v1/uploads/{sha256}`: the relay's offset.
    public func uploadStatus(_ sha256: String, pending: PendingWork, counters: inout WireCounters) async throws -> UploadStatus {
        let response = try await exchange(.get, "/v1/uploads/\(sha256)", body: .none, pending: pending, counters: &counters)
        return try decodeSuccess(UploadStatus.self, response)
    }

    /// `PATCH /v1/uploads/{sha256}`: `length` bytes of the file from `offset`, streamed from disk.
    public func sendChunk(
        _ sha256: String, file: String, offset: Int64, length: Int64, checksumHex: String, pending: PendingWork,
        counters: inout WireCounters, progress: (@Sendable (TransferProgress) -> Void)? = nil
    ) async throws -> ChunkOutcome {
        let response = try await exchange(
            .patch, "/v1/uploads/\(sha256)", body: .file(path: file, offset: UInt64(offset), length: UInt64(length)),
            headers: [("Content-Type", "application/offset+octet-stream"),
                      (UploadProtocol.offsetHeader, String(offset)),
                      (UploadProtocol.checksumHeader, UploadProtocol.checksum(hex: checksumHex))],
            pending: pending, counters: &counters, progress: progress)
        switch response.status {
        case 409 where (try? WireCoding.decode(ErrorBody.self, from: response.body))?.error.code == .uploadRestarted:
            return .restarted
        case 409 where response.headers[UploadProtocol.offsetHeader.lowercased()] != nil:
            guard let text = response.headers[UploadProtocol.offsetHeader.lowercased()], let relayOffset = Int64(text) else {
                throw ClientError.badResponse("a 409 without a numeric Upload-Offset")
            }
            return .offsetMismatch(relayOffset: relayOffset)
        case UploadProtocol.checksumMismatchStatus:
            return .checksumMismatch
        default:
            return .accepted(try decodeSuccess(UploadStatus.self, response))
        }
    }

    /// `GET /v1/blobs/{sha256}` into `path` (through `path.partial`, renamed when complete).
    ///
    /// - Returns: false when the relay does not hold the bytes yet (`blob_pending`).
    public func downloadBlob(_ sha256: String, to path: String, pending: PendingWork, counters: inout WireCounters,
                             progress: (@Sendable (TransferProgress) -> Void)? = nil) async throws -> Bool {
        let response = try await exchange(.get, "/v1/blobs/\(sha256)", body: .none, downloadPath: path, pending: pending, counters: &counters, progress: progress)
        if response.status == 404, (try? WireCoding.decode(ErrorBody.self, from: response.body))?.error.code == .blobPending {
            return false
        }
        _ = try decodeSuccess(Empty.self, response, decode: false)
        return true
    }

    private struct Empty: Decodable {}

    private static func perform(_ request: HTTPRequest, on transport: HTTPTransport, progress: (@Sendable (TransferProgress) -> Void)?) async -> Result<HTTPResponse, TransportError> {
        do {
            return .success(try await transport.send(request, progress: progress))
        } catch {
            return .failure(error)
        }
    }

    private func exchange(
        _ method: HTTPRequest.Method, _ path: String, body: HTTPRequest.Body, json: Bool = false,
        headers extra: [(name: String, value: String)] = [], downloadPath: String? = nil, pending: PendingWork,
        counters: inout WireCounters, progress: (@Sendable (TransferProgress) -> Void)? = nil
    ) async throws -> HTTPResponse {
        var headers: [(name: String, value: String)] = [
            ("Authorization", "Bearer \(token)"),
            (SyncProtocol.versionHeader, String(SyncProtocol.version)),
        ]
        if json { headers.append(("Content-Type", "application/json")) }
        headers += extra
        let request = HTTPRequest(method: method, url: baseURL + path, headers: headers, body: body, downloadPath: downloadPath)
        switch await Self.perform(request, on: transport, progress: progress) {
        case .success(let response):
            counters.add(response.metrics)
            return response
        case .failure(let error):
            throw ClientError.transport(error, pending: pending)
        }
    }

    private func decodeSuccess<T: Decodable>(_ type: T.Type, _ response: HTTPResponse, decode: Bool = true) throws -> T {
        guard response.isSuccess else { throw refusal(response) }
        if !decode, let empty = Empty() as? T { return empty }
        do {
            return try WireCoding.decode(T.self, from: response.body)
        } catch {
            throw ClientError.badResponse(error.description)
        }
    }
}
