import Hummingbird
import OnSiteSync

/// The per-request context: Hummingbird's core storage plus the device the token authenticated.
public struct RelayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``DeviceAuthenticator`` on every route that needs a device.
    public var device: DeviceRecord?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.device = nil
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
