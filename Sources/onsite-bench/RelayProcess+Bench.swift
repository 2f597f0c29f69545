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

    /// Enrols a device named after its role; returns its token.
    func addDevice(role: Role, units: [String]) throws -> String {
        try addDevice(role: role.rawValue, name: "bench \(role.rawValue)", units: units)
    }
}
