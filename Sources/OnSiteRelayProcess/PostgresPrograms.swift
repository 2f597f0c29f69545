import Foundation

/// Where the newest installed PostgreSQL's programs are (Debian: `/usr/lib/postgresql/VERSION/bin`), for the tests'
/// own server (`initdb`, `pg_ctl`, `psql`) and the load benchmark's limit (`pgbench`).
public enum PostgresPrograms {
    public static let root = "/usr/lib/postgresql"

    /// The folder of the newest version that has `program`, or nil when none has.
    public static func folder(having program: String) -> String? {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        for version in versions.compactMap(Int.init).sorted(by: >) where FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/\(program)") {
            return "\(root)/\(version)/bin"
        }
        return nil
    }
}
