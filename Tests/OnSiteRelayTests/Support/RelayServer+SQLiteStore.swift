import OnSiteRelay

extension RelayServer {
    /// The SQLite store of a relay made with `init(configuration:logger:)`, as the fixtures make them: the tests
    /// that reach into its database (`writer`) or its SQLite-only helpers read it here.
    var store: RelayStore {
        guard let store = storage as? RelayStore else { preconditionFailure("this test's relay runs on \(type(of: storage)), not the SQLite RelayStore") }
        return store
    }
}
