import OnSiteCore

/// Who the relay knows a token to be: the answer of `GET /v1/me`.
public struct DeviceProfile: Codable, Sendable, Hashable {
    public var deviceId: String
    public var name: String
    public var role: Role
    /// Unit codes the device works in: its scope.
    public var units: [String]
    public var serverVersion: Int64
    /// The protocol version the relay speaks.
    public var protocolVersion: Int
    /// The relay's clock, in milliseconds since 1970 (see ``PullPage/serverTimeMillis``).
    public var serverTimeMillis: Int64?
    /// The relay store's id and epoch: a change tells the device the relay lost history (a restore).
    public var relay: RelayIdentity?

    public init(deviceId: String, name: String, role: Role, units: [String], serverVersion: Int64,
                protocolVersion: Int = SyncProtocol.version, serverTimeMillis: Int64? = nil, relay: RelayIdentity? = nil) {
        self.deviceId = deviceId
        self.name = name
        self.role = role
        self.units = units
        self.serverVersion = serverVersion
        self.protocolVersion = protocolVersion
        self.serverTimeMillis = serverTimeMillis
        self.relay = relay
    }
}

/// Constants of the wire protocol, see `Protocol/sync.md`.
public enum SyncProtocol {
    /// Bumped on any incompatible change of the wire format.
    ///
    /// 2: a first pull (and a pull from a cursor the relay no longer keeps) receives snapshot pages of whole
    /// records, continued by ``PullRequest/snapshot``, before changes since the snapshot's version.
    public static let version = 2
    /// The header that carries ``version`` on every request and response.
    public static let versionHeader = "OnSite-Protocol"
}
