import Foundation
import GRDB
import Hummingbird
import OnSiteStorage
import OnSiteCrypto
import OnSiteSync

/// Resolves `Authorization: Bearer <token>` to an enrolled, unrevoked device.
///
/// The token is hashed with SHA-256 and looked up by hash; the relay never stores a token.
struct DeviceAuthenticator: RouterMiddleware {
    let store: any RelayDeviceStorage
    /// Records when each device was last seen (for `device list` and the active-devices gauge).
    let seen: LastSeenRecorder

    func handle(_ request: Request, context: RelayRequestContext, next: (Request, RelayRequestContext) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw RelayError.missingToken
        }
        let token = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        let hash = DeviceToken.hashHex(of: token)
        guard let device = try await store.device(tokenHash: hash) else {
            if let retired = try await store.retiredToken(hash) { throw RelayError.rotated(retired.device.name, at: retired.retiredAt) }
            throw RelayError.unknownToken
        }
        guard !device.isRevoked else { throw RelayError.revoked(device.name) }
        var context = context
        context.device = device
        context.notes.deviceId = device.id
        await seen.note(device.id, logger: context.logger)
        context.logger[metadataKey: "relay.device"] = .string(device.id)
        return try await next(request, context)
    }
}

/// Turns any error that is not a ``RelayError`` into a logged 500 with a JSON body, never echoing it; a full disk
/// (SQLite's `SQLITE_FULL`, `ENOSPC` on a file or a blob) into 507 `insufficient_storage` with a sentence; a
/// PostgreSQL store that cannot be reached into 503 `store_unavailable`.
struct ErrorBodyMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as RelayError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            context.logger.critical("the relay's disk is full: answering 507", metadata: ["relay.path": .string(request.uri.path)])
            throw RelayError.insufficientStorage
        } catch let error as FileFailure where error.code == ENOSPC || error.code == EDQUOT {
            context.logger.critical("the relay's disk is full: answering 507", metadata: ["relay.file": .string(error.path)])
            throw RelayError.insufficientStorage
        } catch let error as BlobFileError where error.code == ENOSPC || error.code == EDQUOT {
            context.logger.critical("the relay's disk is full: answering 507", metadata: ["relay.error": .string(error.description)])
            throw RelayError.insufficientStorage
        } catch let error as PostgresStoreError where error.isUnavailable {
            context.logger.error("the relay's database cannot be reached: answering 503", metadata: ["relay.error": .string(error.description)])
            throw RelayError.storeUnavailable
        } catch let error as HTTPError {
            throw RelayError(error.status, code: .httpStatus(Int(error.status.code)), message: error.body ?? error.status.reasonPhrase)
        } catch {
            context.logger.error("request failed", metadata: ["relay.error": .string(String(describing: error)), "relay.path": .string(request.uri.path)])
            throw RelayError.internalError
        }
    }
}
