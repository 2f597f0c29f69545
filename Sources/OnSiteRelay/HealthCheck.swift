import Foundation
import OnSiteSync

/// `/healthz`: the relay's newest version and chain head, read within a bound.
///
/// A load balancer or a supervisor asks it to know whether to send devices here, so it must answer quickly even
/// when the store cannot: a PostgreSQL server that stopped answering would otherwise hold the answer until the
/// statement or the pool's minute of connection attempts ends. Past ``limit`` the answer is 503
/// `store_unavailable`. The read is not waited for (a statement in flight is not interrupted by cancelling its
/// task): it ends in the background when the store answers or fails.
enum HealthCheck {
    /// How long `/healthz` waits for the store.
    static let limit: Duration = .seconds(5)

    /// The health of `store`, or ``RelayError/storeUnavailable`` when it does not answer within `limit`.
    static func read(_ store: any RelayStorage, within limit: Duration = limit) async throws -> Health {
        try await withCheckedThrowingContinuation { continuation in
            let answer = FirstAnswer(continuation)
            let deadline = Task {
                try? await Task.sleep(for: limit)
                answer.resume(with: .failure(RelayError.storeUnavailable))
            }
            Task {
                do {
                    answer.resume(with: .success(Health(status: "ok", serverVersion: try await store.serverVersion(),
                                                        protocolVersion: SyncProtocol.version, chainHead: try await store.chainHead())))
                } catch {
                    answer.resume(with: .failure(error))
                }
                // A request answered in time leaves no timer behind (a flood of health checks holds none).
                deadline.cancel()
            }
        }
    }

    /// Resumes a continuation with the first result it is given and ignores the rest.
    private final class FirstAnswer: @unchecked Sendable {
        // @unchecked: `continuation` is read and cleared under `lock`.
        private let lock = NSLock()
        private var continuation: CheckedContinuation<Health, any Error>?

        init(_ continuation: CheckedContinuation<Health, any Error>) { self.continuation = continuation }

        func resume(with result: Result<Health, any Error>) {
            let waiting = lock.withLock {
                defer { continuation = nil }
                return continuation
            }
            waiting?.resume(with: result)
        }
    }
}
