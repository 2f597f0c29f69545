/// The release of OnSite both executables report with `--version` (one constant for `onsite` and `onsite-relay`).
public enum OnSiteVersion {
    /// The release number, bumped when a build is handed to users.
    public static let release = "0.11.0"

    /// What `--version` prints, e.g. `0.11.0 (sync protocol v1)`.
    public static var description: String { "\(release) (sync protocol v\(SyncProtocol.version))" }
}
