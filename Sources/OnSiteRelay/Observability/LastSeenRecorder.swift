import Foundation
import Logging
import Synchronization

/// Writes when each device was last seen, at most once a minute per device: enough for `device list` and the
/// active-devices gauge, without a write transaction on every request.
final class LastSeenRecorder: Sendable {
    let store: any RelayDeviceStorage
    /// The least time between two writes for one device.
    let interval: TimeInterval
    private let written = Mutex<[String: Date]>([:])

    init(store: any RelayDeviceStorage, interval: TimeInterval = 60) {
        self.store = store
        self.interval = interval
    }

    /// Notes a request by `deviceId`; a failed write (a full disk) is logged and does not fail the request.
    func note(_ deviceId: String, at now: Date = Date(), logger: Logger) async {
        let due = written.withLock { written in
            if let last = written[deviceId], now.timeIntervalSince(last) < interval { return false }
            written[deviceId] = now
            return true
        }
        guard due else { return }
        do {
            try await store.noteSeen(deviceId, at: now)
        } catch {
            logger.warning("could not record when the device was last seen", metadata: ["relay.error": .string("\(error)")])
        }
    }
}
