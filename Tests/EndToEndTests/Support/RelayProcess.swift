import Foundation
import OnSiteRelayProcess

extension RelayProcess {
    /// A relay built next to the tests, in a temporary folder of its own (deleted with the object).
    ///
    /// - Parameter extraConfiguration: more keys for `relay.json`, e.g. `"connections": {"maxConnections": 100}`.
    convenience init(extraConfiguration: String = "") throws {
        try self.init(binary: Binaries.relay, extraConfiguration: extraConfiguration)
    }
}

struct E2EError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
