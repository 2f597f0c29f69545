import Foundation
import OnSiteCrypto
import Synchronization

/// The supervisor page's sign-in sessions, in the relay's memory.
///
/// A session id is 32 random bytes (``SecureRandom``), given to the browser once in an HttpOnly cookie; the
/// relay keeps only its SHA-256, so a memory dump or a log line holds nothing a browser could present. A session
/// ends after ``idleTimeout`` without a request, after ``lifetime`` whatever happens, at sign-out, and when
/// the device it was opened with is revoked or its token rotated (checked on every request by
/// ``WebAuthenticator``, which looks the token hash up again).
///
/// In memory rather than in the store: a relay restart signs everyone out, which costs one sign-in and keeps
/// no bearer secret (nor its hash) on disk; nothing else in the relay depends on a session.
final class WebSessions: Sendable {
    struct Session: Sendable, Hashable {
        /// The device whose token opened the session.
        var deviceId: String
        /// That token's SHA-256: a rotated or revoked token ends the session.
        var tokenHash: String
        var createdAt: Date
        var lastUsedAt: Date
    }

    /// The cookie's name (path `/web`).
    static let cookieName = "onsite_session"

    let idleTimeout: TimeInterval
    let lifetime: TimeInterval
    /// Sessions kept at most; past it the least recently used one ends (a bound on memory, not a limit anyone meets).
    let capacity: Int
    private let sessions = Mutex<[String: Session]>([:])

    init(idleTimeout: TimeInterval = 30 * 60, lifetime: TimeInterval = 12 * 3600, capacity: Int = 10_000) {
        self.idleTimeout = idleTimeout
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// Opens a session and returns the id the browser will hold (never stored).
    func open(deviceId: String, tokenHash: String, now: Date = Date()) throws(CryptoError) -> String {
        let id = Base64URL.encode(try SecureRandom.bytes(count: 32))
        let session = Session(deviceId: deviceId, tokenHash: tokenHash, createdAt: now, lastUsedAt: now)
        sessions.withLock { sessions in
            sessions = sessions.filter { isLive($0.value, now: now) }
            if sessions.count >= capacity, let oldest = sessions.min(by: { $0.value.lastUsedAt < $1.value.lastUsedAt })?.key {
                sessions[oldest] = nil
            }
            sessions[Self.key(id)] = session
        }
        return id
    }

    /// The live session with this id, its idle clock restarted; nil (and forgotten) when unknown or expired.
    func use(_ id: String, now: Date = Date()) -> Session? {
        let key = Self.key(id)
        return sessions.withLock { sessions in
            guard var session = sessions[key] else { return nil }
            guard isLive(session, now: now) else {
                sessions[key] = nil
                return nil
            }
            session.lastUsedAt = now
            sessions[key] = session
            return session
        }
    }

    /// Ends the session with this id (sign-out, or its device no longer valid).
    func close(_ id: String) {
        _ = sessions.withLock { $0.removeValue(forKey: Self.key(id)) }
    }

    /// How many sessions are held (live or not yet swept).
    var count: Int { sessions.withLock { $0.count } }

    private func isLive(_ session: Session, now: Date) -> Bool {
        now.timeIntervalSince(session.lastUsedAt) < idleTimeout && now.timeIntervalSince(session.createdAt) < lifetime
    }

    private static func key(_ id: String) -> String { SHA256.hash(utf8: id).hex }
}

/// Unpadded base64url, for cookie values.
enum Base64URL {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
