import Foundation
import NIOCore

/// The relay's open connections, for the cap on how many it keeps (`connections.maxConnections`).
///
/// At the cap, a new connection makes room by closing the connection that has been **idle** longest: one
/// with no request in progress (silent since it connected, or waiting between requests). Connections in the
/// middle of a request are never closed to make room; when every connection is in a request the new one is
/// closed. So a flood of silent connections cannot keep `/healthz` or a device out: each newcomer pushes out
/// the oldest silent one, and the idle timeout closes the rest.
final class ConnectionRegistry: @unchecked Sendable {
    // @unchecked: `entries` and `clock` are only touched under `lock`; `maxConnections` is immutable.
    private struct Entry {
        let channel: any Channel
        var requestsInProgress = 0
        /// When the connection last started or finished a request (a counter: only the order matters).
        var lastActivity: UInt64
    }

    let maxConnections: Int
    private let lock = NSLock()
    private var entries: [ObjectIdentifier: Entry] = [:]
    private var clock: UInt64 = 0

    init(maxConnections: Int) {
        self.maxConnections = max(1, maxConnections)
    }

    /// How many connections are open.
    var count: Int { lock.withLock { entries.count } }

    /// Registers a new connection and returns the one to close, if any: the idlest connection when the cap is
    /// reached, or `channel` itself when every open connection is in a request.
    func open(_ channel: any Channel) -> (any Channel)? {
        lock.withLock {
            clock &+= 1
            guard entries.count >= maxConnections else {
                entries[ObjectIdentifier(channel)] = Entry(channel: channel, lastActivity: clock)
                return nil
            }
            let idle = entries.filter { $0.value.requestsInProgress == 0 }.min { $0.value.lastActivity < $1.value.lastActivity }
            guard let (victim, entry) = idle else { return channel }
            entries[victim] = nil
            entries[ObjectIdentifier(channel)] = Entry(channel: channel, lastActivity: clock)
            return entry.channel
        }
    }

    /// Forgets a closed connection.
    func close(_ channel: any Channel) {
        _ = lock.withLock { entries.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// A request's head arrived on `channel`.
    func requestStarted(on channel: any Channel) {
        lock.withLock {
            clock &+= 1
            entries[ObjectIdentifier(channel)]?.requestsInProgress += 1
            entries[ObjectIdentifier(channel)]?.lastActivity = clock
        }
    }

    /// A response's end was written on `channel`.
    func requestEnded(on channel: any Channel) {
        lock.withLock {
            clock &+= 1
            guard var entry = entries[ObjectIdentifier(channel)] else { return }
            entry.requestsInProgress = max(0, entry.requestsInProgress - 1)
            entry.lastActivity = clock
            entries[ObjectIdentifier(channel)] = entry
        }
    }
}
