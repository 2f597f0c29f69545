import Hummingbird
import OnSiteSync
import Synchronization

/// The per-request context: Hummingbird's core storage plus the device the token authenticated.
public struct RelayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``DeviceAuthenticator`` on every route that needs a device.
    public var device: DeviceRecord?
    /// What inner middleware learnt for the access log (the context is copied down the chain; this is shared).
    let notes = RequestNotes()
    /// The peer's IP address, for the access log and the loopback check of `/metrics`.
    public let clientAddress: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.device = nil
        self.clientAddress = source.channel.remoteAddress?.ipAddress
    }

    /// The authenticated device, or a 401 for routes reached without one.
    func requireDevice() throws -> DeviceRecord {
        guard let device else { throw RelayError.missingToken }
        return device
    }

    /// What the authenticated device may do, or a 401 for routes reached without one.
    func requireActor() throws -> Actor {
        try requireDevice().actor
    }
}

/// Facts about a request noted by inner middleware for the outer access log.
final class RequestNotes: Sendable {
    private let device = Mutex<String?>(nil)

    /// The authenticated device's id.
    var deviceId: String? {
        get { device.withLock { $0 } }
        set { device.withLock { $0 = newValue } }
    }
}
