import Foundation
import Logging
import ServiceLifecycle

/// Folds the log entries the retention window no longer keeps: once as the relay starts (alongside serving:
/// pushes and pulls wait at most for one batch), then every `compactEveryMinutes`; stops at graceful shutdown. A failed pass is logged and tried again at the next interval: the log
/// only grows meanwhile, nothing is lost.
struct LogCompactionService: Service {
    let store: any RelayCompactionStorage
    let retention: LogRetention
    let logger: Logger

    func run() async throws {
        guard retention.compacts else { return }
        let interval = Duration.milliseconds(Int64(retention.compactEveryMinutes * 60_000))
        let (store, retention, logger) = (self.store, self.retention, self.logger)
        // A graceful shutdown cancels the wait (and a pass in progress between two batches).
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await compactOnce(store: store, retention: retention, logger: logger)
                try await Task.sleep(for: interval)
            }
        }
    }
}

/// One compaction pass, logged when it removed entries or failed.
func compactOnce(store: any RelayCompactionStorage, retention: LogRetention, logger: Logger) async {
    do {
        let summary = try await store.compact(retention, now: Date())
        if summary.entriesRemoved > 0 {
            logger.notice("log compacted", metadata: [
                "relay.compactedThrough": .stringConvertible(summary.compactedThrough),
                "relay.entriesRemoved": .stringConvertible(summary.entriesRemoved),
            ])
        }
    } catch {
        logger.error("log compaction failed; the log is kept as it is and the next pass tries again", metadata: ["error": .string("\(error)")])
    }
}
