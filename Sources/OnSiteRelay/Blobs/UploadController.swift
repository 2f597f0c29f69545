import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import OnSiteCrypto
import OnSiteSync

/// `/v1/uploads` (resumable, checksummed blob uploads) and `/v1/blobs` (downloads). See `Protocol/uploads.md`.
///
/// Every limit (hash form, size, type, chunk bounds, the JPEG start) is checked before a byte is stored; a
/// chunk is written at the upload's offset and kept only when its checksum matches; the last chunk makes the
/// relay verify the whole SHA-256 and the JPEG structure before one atomic rename publishes the blob.
struct UploadController: Sendable {
    let store: RelayStore
    let blobs: RelayBlobStore
    let limits: SyncLimits
    /// The largest chunk one `PATCH` may carry.
    let maxChunkBytes: Int

    init(store: RelayStore, limits: SyncLimits, maxChunkBytes: Int) {
        self.store = store
        self.blobs = store.blobs
        self.limits = limits
        self.maxChunkBytes = maxChunkBytes
    }

    func addRoutes(to group: RouterGroup<RelayRequestContext>) {
        group.post("uploads", use: create)
        group.head("uploads/:sha256", use: head)
        group.get("uploads/:sha256", use: status)
        group.patch("uploads/:sha256", use: patch)
        group.get("blobs/:sha256", use: download)
    }

    // MARK: Routes

    /// Creates the upload, or finds it; answers `complete` without wanting a byte when the relay has the blob.
    @Sendable func create(_ request: Request, context: RelayRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let body: UploadRequest
        do {
            let buffer = try await request.body.collect(upTo: 64 * 1024)
            body = try WireCoding.decode(UploadRequest.self, from: Data(buffer.readableBytesView))
        } catch let error as WireDecodingError {
            throw RelayError.invalidBody(error)
        } catch {
            throw RelayError.tooLarge(limit: 64 * 1024)
        }
        try checkHash(body.sha256)
        guard body.byteCount > 0, body.byteCount <= limits.maxAttachmentBytes else {
            throw UploadError.tooLarge(body.byteCount, limit: limits.maxAttachmentBytes)
        }
        guard limits.allowedContentTypes.contains(body.contentType) else {
            throw UploadError.unsupportedType(body.contentType, allowed: limits.allowedContentTypes)
        }
        let access = try await requireAccess(body.sha256, actor: actor)
        guard access.visibleAttachments.contains(where: { $0.byteCount == body.byteCount }) else {
            throw UploadError.lengthMismatch(body.byteCount, recorded: access.visibleAttachments.map(\.byteCount))
        }
        if let size = blobs.blobSize(body.sha256) {
            blobs.discardUpload(body.sha256)  // a stale record of an upload that completed
            try await store.appendBlobAvailable(body.sha256)  // heals a crash between publish and append
            return try response(UploadStatus(sha256: body.sha256, byteCount: size, offset: size, complete: true), status: .ok)
        }
        if let existing = try blobs.upload(body.sha256), existing.byteCount != body.byteCount || existing.contentType != body.contentType {
            throw UploadError.uploadMismatch(existing)
        }
        let upload = try blobs.createUpload(body.sha256, byteCount: body.byteCount, contentType: body.contentType)
        context.logger.info("upload", metadata: ["relay.blob": .string(body.sha256), "relay.offset": .stringConvertible(upload.offset)])
        return try response(status(of: upload), status: upload.offset == 0 ? .created : .ok)
    }

    /// The offset, as headers only.
    @Sendable func head(_ request: Request, context: RelayRequestContext) async throws -> Response {
        let current = try await currentStatus(request, context: context)
        var headers = HTTPFields()
        headers[Self.offsetName] = String(current.offset)
        headers[Self.lengthName] = String(current.byteCount)
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers)
    }

    /// The offset, as a JSON ``UploadStatus``.
    @Sendable func status(_ request: Request, context: RelayRequestContext) async throws -> Response {
        try response(try await currentStatus(request, context: context), status: .ok)
    }

    /// Appends one chunk at `Upload-Offset`, checked against `Upload-Checksum`.
    @Sendable func patch(_ request: Request, context: RelayRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let sha256 = try hashParameter(context)
        guard let offsetText = request.headers[Self.offsetName], let offset = Int64(offsetText), offset >= 0 else {
            throw UploadError.missingHeader(UploadProtocol.offsetHeader, "the byte offset the chunk starts at, e.g. `Upload-Offset: 0`")
        }
        guard let checksumText = request.headers[Self.checksumName], let checksum = UploadProtocol.parseChecksum(checksumText) else {
            throw UploadError.missingHeader(UploadProtocol.checksumHeader, "`sha256 <hex or base64 digest of the chunk>`")
        }
        guard let lengthText = request.headers[.contentLength], let length = Int64(lengthText), length >= 0 else {
            throw UploadError.missingHeader("Content-Length", "the chunk's length")
        }
        _ = try await requireAccess(sha256, actor: actor)
        if let size = blobs.blobSize(sha256) {
            return try response(UploadStatus(sha256: sha256, byteCount: size, offset: size, complete: true), status: .ok)
        }
        guard blobs.begin(sha256) else { throw UploadError.busy }
        defer { blobs.end(sha256) }
        guard var upload = try blobs.upload(sha256) else { throw UploadError.unknownUpload }
        guard offset == upload.offset else {
            return try offsetMismatch(upload, sent: offset)
        }
        guard length > 0, length <= Int64(maxChunkBytes) else { throw UploadError.chunkTooLarge(length, limit: maxChunkBytes) }
        guard offset + length <= upload.byteCount else { throw UploadError.chunkOverflow(offset: offset, length: length, total: upload.byteCount) }

        let writer = try blobs.openForChunk(sha256)
        let hasher = SHA256Hasher()
        var received: Int64 = 0
        do {
            for try await buffer in request.body {
                guard received + Int64(buffer.readableBytes) <= length else { throw UploadError.chunkLongerThanDeclared }
                try buffer.withUnsafeReadableBytes { bytes in
                    if upload.offset + received < 3, upload.contentType == "image/jpeg" {
                        try Self.checkJPEGStart(bytes, at: Int(upload.offset + received))
                    }
                    try writer.write(bytes, at: upload.offset + received)
                    hasher.update(bytes: bytes)
                }
                received += Int64(buffer.readableBytes)
            }
        } catch {
            writer.truncate(to: upload.offset)  // the chunk is discarded; the offset did not move
            throw error
        }
        guard received == length else {
            writer.truncate(to: upload.offset)
            throw UploadError.chunkShorterThanDeclared(received, declared: length)
        }
        guard hasher.finalize().bytes == checksum else {
            writer.truncate(to: upload.offset)
            throw UploadError.checksumMismatch(offset: upload.offset)
        }
        writer.truncate(to: upload.offset + length)
        try writer.sync()
        upload.offset += length
        guard upload.offset == upload.byteCount else {
            try blobs.save(upload)
            return try response(status(of: upload), status: .ok)
        }
        return try await complete(upload, context: context)
    }

    /// Streams a complete blob to a device that can see a report referencing it.
    @Sendable func download(_ request: Request, context: RelayRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let sha256 = try hashParameter(context)
        let access = try await requireAccess(sha256, actor: actor)
        guard let size = blobs.blobSize(sha256) else { throw UploadError.blobPending(sha256) }
        let body = try await FileIO().loadFile(path: blobs.blobPath(sha256), context: context)
        var headers = HTTPFields()
        headers[.contentType] = access.visibleAttachments.first?.contentType ?? "application/octet-stream"
        headers[.contentLength] = String(size)
        headers[.cacheControl] = "private, max-age=31536000, immutable"
        return Response(status: .ok, headers: headers, body: body)
    }

    // MARK: Steps

    /// The last chunk arrived: verify the whole blob, publish it, tell every report that references it.
    private func complete(_ upload: PartialUpload, context: RelayRequestContext) async throws -> Response {
        switch try blobs.verify(upload) {
        case .valid:
            try blobs.publish(upload)
        case .hashMismatch(let actual):
            blobs.discardUpload(upload.sha256)
            throw UploadError.hashMismatch(expected: upload.sha256, actual: actual)
        case .notJPEG:
            blobs.discardUpload(upload.sha256)
            throw UploadError.notJPEG
        case .incompleteJPEG(let reason):
            blobs.discardUpload(upload.sha256)
            throw UploadError.incompleteJPEG(reason?.description)
        }
        let versions = try await store.appendBlobAvailable(upload.sha256)
        context.logger.info("blob complete", metadata: [
            "relay.blob": .string(upload.sha256), "relay.bytes": .stringConvertible(upload.byteCount),
            "relay.reports": .stringConvertible(versions.count),
        ])
        return try response(UploadStatus(sha256: upload.sha256, byteCount: upload.byteCount, offset: upload.byteCount, complete: true), status: .ok)
    }

    private func currentStatus(_ request: Request, context: RelayRequestContext) async throws -> UploadStatus {
        let actor = try context.requireActor()
        let sha256 = try hashParameter(context)
        _ = try await requireAccess(sha256, actor: actor)
        if let size = blobs.blobSize(sha256) {
            return UploadStatus(sha256: sha256, byteCount: size, offset: size, complete: true, maxChunkBytes: maxChunkBytes)
        }
        guard let upload = try blobs.upload(sha256) else { throw UploadError.unknownUpload }
        return status(of: upload)
    }

    private func requireAccess(_ sha256: String, actor: Actor) async throws -> BlobAccess {
        let access = try await store.blobAccess(sha256, for: actor)
        guard access.isAllowed else { throw UploadError.notReferenced(sha256) }
        return access
    }

    private func hashParameter(_ context: RelayRequestContext) throws -> String {
        let sha256 = context.parameters.get("sha256") ?? ""
        try checkHash(sha256)
        return sha256
    }

    private func checkHash(_ sha256: String) throws {
        guard UploadProtocol.isBlobHash(sha256) else { throw UploadError.badHash }
    }

    private func status(of upload: PartialUpload) -> UploadStatus {
        UploadStatus(sha256: upload.sha256, byteCount: upload.byteCount, offset: upload.offset, complete: false, maxChunkBytes: maxChunkBytes)
    }

    private func response(_ status: UploadStatus, status code: HTTPResponse.Status) throws -> Response {
        var response = try JSONResponse.make(status, status: code)
        response.headers[Self.offsetName] = String(status.offset)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    private func offsetMismatch(_ upload: PartialUpload, sent: Int64) throws -> Response {
        let detail = ErrorDetail(
            code: "offset_mismatch",
            message: "The chunk starts at byte \(sent), but the relay holds \(upload.offset) bytes of this upload. Nothing was stored; send from \(upload.offset).")
        var response = try JSONResponse.make(ErrorBody(detail), status: .conflict)
        response.headers[Self.offsetName] = String(upload.offset)
        return response
    }

    static func checkJPEGStart(_ bytes: UnsafeRawBufferPointer, at position: Int) throws {
        let start: [UInt8] = [0xFF, 0xD8, 0xFF]
        for index in 0..<min(bytes.count, start.count - position) where bytes[index] != start[position + index] {
            throw UploadError.notJPEG
        }
    }

    static let offsetName = HTTPField.Name(UploadProtocol.offsetHeader)!
    static let lengthName = HTTPField.Name(UploadProtocol.lengthHeader)!
    static let checksumName = HTTPField.Name(UploadProtocol.checksumHeader)!
}
