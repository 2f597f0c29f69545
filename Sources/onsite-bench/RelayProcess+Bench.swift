import Foundation
import OnSiteCore
import OnSiteRelayProcess

extension RelayProcess {
    /// The relay built next to this executable, in `folder`.
    convenience init(benchFolder folder: URL, pageSize: Int, maxUploadChunkBytes: Int? = nil, extra: [String] = []) throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("onsite-relay")
        let members = (maxUploadChunkBytes.map { ["\"maxUploadChunkBytes\": \($0)"] } ?? []) + extra
        try self.init(binary: binary, folder: folder, pageSize: pageSize, extraConfiguration: members.joined(separator: ", "))
    }

    /// Another relay built next to this executable, in `folder`, on `first`'s data folder and serving its
    /// certificate (relays on one PostgreSQL database, behind one name).
    convenience init(benchFolder folder: URL, pageSize: Int, sharingWith first: RelayProcess, extra: [String] = []) throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("onsite-relay")
        try self.init(binary: binary, folder: folder, pageSize: pageSize, dataDirectory: first.folder.appendingPathComponent("data"),
                      tlsFrom: first, extraConfiguration: extra.joined(separator: ", "))
    }

    /// Enrols a device named after its role; returns its token.
    func addDevice(role: Role, units: [String]) throws -> String {
        try addDevice(role: role.rawValue, name: "bench \(role.rawValue)", units: units)
    }
}
