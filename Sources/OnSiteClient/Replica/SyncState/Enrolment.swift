import OnSiteSync

/// The relay this replica syncs with, and who it is there.
public struct Enrolment: Codable, Sendable, Hashable {
    public var relayURL: String
    public var token: String
    /// The pinned CA, copied into the replica folder at enrolment.
    public var caCertificatePath: String?
    public var profile: DeviceProfile

    public init(relayURL: String, token: String, caCertificatePath: String?, profile: DeviceProfile) {
        self.relayURL = relayURL
        self.token = token
        self.caCertificatePath = caCertificatePath
        self.profile = profile
    }
}
