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
    let store: any RelayBlobReferenceStorage
    let blobs: RelayBlobStore
    let limits: SyncLimits
    /// The largest chunk one `PATCH` may carry.
    let maxChunkBytes: Int
    /// Uploads that have not moved for this long are deleted (`uploadExpiryHours`).
    let uploadExpiry: TimeInterval

    init(store: any RelayBlobReferenceStorage, blobs: RelayBlobStore, limits: SyncLimits, maxChunkBytes: Int, uploadExpiry: TimeInterval) {
        self.store = store
        self.blobs = blobs
        self.limits = limits
        self.maxChunkBytes = maxChunkBytes
        self.uploadExpiry = uploadExpiry
    }

    func addRoutes(to group: RouterGroup<RelayRequestContext>) {
        group.post("uploads", use: create)
        group.head("uploads/:sha256", use: head)
        group.get("uploads/:sha256", use: status)
        group.patch("uploads/:sha256", use: patch)
        group.get("blobs/:sha256", use: download)
    }

    // MARK: Routes

    /// Creates the device's upload, or finds it; answers `complete` without wanting a byte when the device
    /// may already have the blob (see `Protocol/uploads.md`, "Access").
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
        guard body.byteCount > 0 else { throw UploadError.invalidByteCount(body.byteCount) }
        guard body.byteCount <= limits.maxAttachmentBytes else {
            throw UploadError.tooLarge(body.byteCount, limit: limits.maxAttachmentBytes)
        }
        guard limits.allowedContentTypes.contains(body.contentType) else {
            throw UploadError.unsupportedType(body.contentType, allowed: limits.allowedContentTypes)
        }
        let access = try await store.blobAccess(body.sha256, for: actor)
        guard access.isReferenced else { throw UploadError.notReferenced(body.sha256) }
        guard access.visibleAttachments.contains(where: { $0.byteCount == body.byteCount }) else {
            throw UploadError.lengthMismatch(body.byteCount, recorded: access.visibleAttachments.map(\.byteCount))
        }
        let key = UploadKey(sha256: body.sha256, deviceId: actor.deviceId)
        if access.isGranted, let size = blobs.blobSize(body.sha256) {
            blobs.discardUpload(key)  // a stale record of an upload that completed
            _ = try await store.appendBlobAvailable(body.sha256, at: Date())  // heals a crash between publish and append
            return try response(UploadStatus(sha256: body.sha256, byteCount: size, offset: size, complete: true), status: .ok)
        }
        // Whether or not the relay holds the blob, a device that has not shown it holds the bytes gets an
        // upload of its own: the same answer either way, and the bytes it sends prove possession.
        let now = Date()
        blobs.sweepIfDue(now: now, maxAge: uploadExpiry)
        let upload = try blobs.createUpload(key, byteCount: body.byteCount, contentType: body.contentType, now: now)
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
        guard let offsetText = request.headers[Self.offsetName], let offset = UploadProtocol.parseOffset(offsetText) else {
            throw UploadError.missingHeader(UploadProtocol.offsetHeader, "the byte offset the chunk starts at in decimal digits, e.g. `Upload-Offset: 0`")
        }
        guard let checksumText = request.headers[Self.checksumName], let checksum = UploadProtocol.parseChecksum(checksumText) else {
            throw UploadError.missingHeader(UploadProtocol.checksumHeader, "`sha256 <digest of the chunk: 64 lowercase hex digits, or 44 characters of padded base64>`")
        }
        guard let lengthText = request.headers[.contentLength], let length = UploadProtocol.parseOffset(lengthText) else {
            throw UploadError.missingHeader("Content-Length", "the chunk's length")
        }
        let access = try await requireReference(sha256, actor: actor)
        if access.isGranted, let size = blobs.blobSize(sha256) {
            return try response(UploadStatus(sha256: sha256, byteCount: size, offset: size, complete: true), status: .ok)
        }
        let key = UploadKey(sha256: sha256, deviceId: actor.deviceId)
        let lease = try blobs.lease(key)
        defer { blobs.release(lease) }
        guard var upload = try blobs.upload(key) else { throw UploadError.unknownUpload }
        guard offset == upload.offset else {
            return try offsetMismatch(upload, sent: offset)
        }
        guard length > 0, length <= Int64(maxChunkBytes) else { throw UploadError.chunkTooLarge(length, limit: maxChunkBytes) }
        guard length <= upload.byteCount - offset else { throw UploadError.chunkOverflow(offset: offset, length: length, total: upload.byteCount) }

        let writer = try blobs.openForChunk(key)
        let hasher = SHA256Hasher()
        var received: Int64 = 0
        do {
            for try await buffer in request.body {
                guard Int64(buffer.readableBytes) <= length - received else { throw UploadError.chunkLongerThanDeclared }
                try lease.whileHeld {
                    try buffer.withUnsafeReadableBytes { bytes in
                        if upload.offset + received < 3, upload.contentType == "image/jpeg" {
                            try Self.checkJPEGStart(bytes, at: Int(upload.offset + received))
                        }
                        try writer.write(bytes, at: upload.offset + received)
                        hasher.update(bytes: bytes)
                    }
                }
                received += Int64(buffer.readableBytes)
            }
        } catch let error where error is RelayError || error is BlobFileError {
            // The bytes were refused (not a JPEG, longer than declared, a newer request took over) or could not
            // be written: the chunk is discarded and the offset did not move; a superseded request leaves the file alone.
            try? lease.whileHeld { writer.truncate(to: upload.offset) }
            throw error
        } catch {
            // The link dropped in the middle of the chunk: keep what arrived (the whole-file hash checks it).
            keepArrived(received, of: upload, writer: writer, lease: lease, context: context)
            throw error
        }
        let verdict: ChunkVerdict = try lease.whileHeld {
            guard received == length else {
                return .short(kept: keepArrivedWhileHeld(received, of: upload, writer: writer))
            }
            guard hasher.finalize().bytes == checksum else {
                writer.truncate(to: upload.offset)
                return .checksumMismatch
            }
            writer.truncate(to: upload.offset + length)
            try writer.sync()
            upload.offset += length
            upload.updatedAt = Date()
            guard upload.offset == upload.byteCount else {
                try blobs.save(upload)
                return .stored
            }
            return try verifyAndPublish(upload, writer: writer)
        }
        switch verdict {
        case .short(let kept): throw UploadError.chunkShorterThanDeclared(received, declared: length, offset: kept.offset)
        case .checksumMismatch: throw UploadError.checksumMismatch(offset: upload.offset)
        case .stored: return try response(status(of: upload), status: .ok)
        case .restarted(let actual):
            context.logger.notice("upload restarted", metadata: [
                "relay.blob": .string(sha256), "relay.actual": .string(String(actual.prefix(12))),
            ])
            return try restarted(sha256, actual: actual)
        case .complete(let published): return try await complete(published, context: context)
        }
    }

    /// Streams a complete blob to a device that may have it; the same `blob_pending` whether the relay does not
    /// hold the bytes or the device has not shown it holds them.
    @Sendable func download(_ request: Request, context: RelayRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let sha256 = try hashParameter(context)
        let access = try await store.blobAccess(sha256, for: actor)
        guard access.isReferenced || access.isGranted else { throw UploadError.notReferenced(sha256) }
        guard access.isGranted, let size = blobs.blobSize(sha256) else { throw UploadError.blobPending(sha256) }
        let body = try await FileIO().loadFile(path: blobs.blobPath(sha256), context: context)
        var headers = HTTPFields()
        headers[.contentType] = access.visibleAttachments.first?.contentType ?? "application/octet-stream"
        headers[.contentLength] = String(size)
        headers[.cacheControl] = "private, max-age=31536000, immutable"
        return Response(status: .ok, headers: headers, body: body)
    }

    // MARK: Steps

    /// What became of a chunk, decided while the lease was held.
    private enum ChunkVerdict {
        case short(kept: PartialUpload)
        case checksumMismatch, stored
        /// The whole file did not hash to its name after bytes of cut chunks were kept: emptied, from 0 again.
        case restarted(actual: String)
        case complete(Result<PartialUpload, RelayError>)
    }

    /// Keeps the bytes of a chunk that a dropped link cut short, unless a newer request took the upload over.
    private func keepArrived(_ received: Int64, of upload: PartialUpload, writer: ChunkWriter, lease: UploadLease, context: RelayRequestContext) {
        guard let kept = try? lease.whileHeld({ keepArrivedWhileHeld(received, of: upload, writer: writer) }) else { return }
        if kept.offset > upload.offset {
            context.logger.info("kept a cut chunk", metadata: [
                "relay.blob": .string(upload.sha256), "relay.offset": .stringConvertible(kept.offset),
            ])
        }
    }

    /// The bytes that arrived before the cut are fsynced and the durable offset moves past them; their chunk
    /// checksum cannot be checked, so the upload records that it holds unchecked bytes (the whole-file hash
    /// decides). When nothing arrived, or the bytes cannot be made durable, the chunk is discarded as before.
    private func keepArrivedWhileHeld(_ received: Int64, of upload: PartialUpload, writer: ChunkWriter) -> PartialUpload {
        guard received > 0 else {
            writer.truncate(to: upload.offset)
            return upload
        }
        var kept = upload
        kept.offset += received
        kept.keptPartialChunks = (upload.keptPartialChunks ?? 0) + 1
        kept.updatedAt = Date()
        writer.truncate(to: kept.offset)
        do {
            try writer.sync()
            try blobs.save(kept)
            return kept
        } catch {
            writer.truncate(to: upload.offset)
            return upload
        }
    }

    /// The last chunk arrived: verify the whole blob and publish it (or, when another device's upload published
    /// it already, only forget this one: its bytes hashed to the name, which proves possession).
    private func verifyAndPublish(_ upload: PartialUpload, writer: ChunkWriter) throws -> ChunkVerdict {
        switch try blobs.verify(upload) {
        case .valid:
            try blobs.publish(upload)
            return .complete(.success(upload))
        case .hashMismatch(let actual) where upload.holdsUncheckedBytes:
            // Bytes kept from cut chunks were not the device's file: start over cleanly rather than fail the photo.
            _ = try blobs.restart(upload, writer: writer)
            return .restarted(actual: actual)
        case .hashMismatch(let actual):
            blobs.discardUpload(upload.key)
            return .complete(.failure(UploadError.hashMismatch(expected: upload.sha256, actual: actual)))
        case .notJPEG:
            blobs.discardUpload(upload.key)
            return .complete(.failure(UploadError.notJPEG))
        case .incompleteJPEG(let reason):
            blobs.discardUpload(upload.key)
            return .complete(.failure(UploadError.incompleteJPEG(reason?.description)))
        }
    }

    /// Records who uploaded the blob and tells the reports the rules grant.
    private func complete(_ published: Result<PartialUpload, RelayError>, context: RelayRequestContext) async throws -> Response {
        let upload = try published.get()
        let versions = try await store.blobUploaded(upload.sha256, by: upload.deviceId, byteCount: upload.byteCount, at: Date())
        context.logger.info("blob complete", metadata: [
            "relay.blob": .string(upload.sha256), "relay.bytes": .stringConvertible(upload.byteCount),
            "relay.reports": .stringConvertible(versions.count),
        ])
        return try response(UploadStatus(sha256: upload.sha256, byteCount: upload.byteCount, offset: upload.byteCount, complete: true), status: .ok)
    }

    private func currentStatus(_ request: Request, context: RelayRequestContext) async throws -> UploadStatus {
        let actor = try context.requireActor()
        let sha256 = try hashParameter(context)
        let access = try await requireReference(sha256, actor: actor)
        if access.isGranted, let size = blobs.blobSize(sha256) {
            return UploadStatus(sha256: sha256, byteCount: size, offset: size, complete: true, maxChunkBytes: maxChunkBytes)
        }
        guard let upload = try blobs.upload(UploadKey(sha256: sha256, deviceId: actor.deviceId)) else { throw UploadError.unknownUpload }
        return status(of: upload)
    }

    /// The device's access to the blob; `blob_not_referenced` unless a report it can see references the hash
    /// or it may have the bytes already.
    private func requireReference(_ sha256: String, actor: Actor) async throws -> BlobAccess {
        let access = try await store.blobAccess(sha256, for: actor)
        guard access.isReferenced || access.isGranted else { throw UploadError.notReferenced(sha256) }
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
            code: .offsetMismatch,
            message: "The chunk starts at byte \(sent), but the relay holds \(upload.offset) bytes of this upload. Nothing was stored; send from \(upload.offset).")
        var response = try JSONResponse.make(ErrorBody(detail), status: .conflict)
        response.headers[Self.offsetName] = String(upload.offset)
        return response
    }

    /// 409 `upload_restarted` with `Upload-Offset: 0`: a client that knows only `offset_mismatch` sends from 0 too.
    private func restarted(_ sha256: String, actual: String) throws -> Response {
        let detail = ErrorDetail(
            code: .uploadRestarted,
            message: "The uploaded bytes hash to \(actual.prefix(12))…, not \(sha256.prefix(12))…: bytes kept from chunks cut by a dropped link did not match the file. The upload was emptied; send the file again from byte 0.")
        var response = try JSONResponse.make(ErrorBody(detail), status: .conflict)
        response.headers[Self.offsetName] = "0"
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
