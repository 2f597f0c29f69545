@testable import OnSiteRelay
import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing

/// The connection cap: at the cap a newcomer pushes out the idlest connection, never one in a request.
@Suite("Connection cap")
struct ConnectionGuardTests {
    /// A connection as the relay's pipeline sees it: the guard on an active embedded channel.
    static func connect(_ registry: ConnectionRegistry) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel(handler: ConnectionGuard(registry: registry, keepAliveSeconds: 0))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8443)).wait()
        return channel
    }

    static func startRequest(on channel: EmbeddedChannel) throws {
        try channel.writeInbound(HTTPRequestPart.head(HTTPRequest(method: .patch, scheme: "https", authority: "relay", path: "/v1/uploads/x")))
    }

    static func endResponse(on channel: EmbeddedChannel) throws {
        try channel.writeOutbound(HTTPResponsePart.end(nil))
    }

    @Test("Under the cap nothing is closed; at the cap the newcomer closes the connection idle longest")
    func evictsTheIdlest() throws {
        let registry = ConnectionRegistry(maxConnections: 3)
        let oldest = try Self.connect(registry)
        let busy = try Self.connect(registry)
        let newer = try Self.connect(registry)
        try Self.startRequest(on: busy)
        #expect(registry.count == 3 && oldest.isActive && busy.isActive && newer.isActive)

        // When: a fourth connection arrives
        let fourth = try Self.connect(registry)

        // Then: the oldest idle one is closed; the one in a request and the newer idle one stay
        #expect(!oldest.isActive)
        #expect(busy.isActive && newer.isActive && fourth.isActive)
        #expect(registry.count == 3)
    }

    @Test("A connection between requests counts as idle from its last response; when all are in a request the newcomer is closed")
    func neverEvictsARequest() throws {
        let registry = ConnectionRegistry(maxConnections: 2)
        let first = try Self.connect(registry)
        let second = try Self.connect(registry)
        try Self.startRequest(on: first)
        try Self.startRequest(on: second)

        // When: every connection is in a request, a newcomer is turned away
        let refused = try Self.connect(registry)
        #expect(!refused.isActive && first.isActive && second.isActive)

        // When: the first one answers its request, it is idle and the next newcomer takes its place
        try Self.endResponse(on: first)
        let next = try Self.connect(registry)
        #expect(!first.isActive && second.isActive && next.isActive)
        #expect(registry.count == 2)

        // And: a closed connection leaves the registry
        try second.close().wait()
        #expect(registry.count == 1)
    }
}
