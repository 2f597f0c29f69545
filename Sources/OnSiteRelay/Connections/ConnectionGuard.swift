import Foundation
import NIOCore
import NIOHTTPTypes

/// A per-connection handler (after the HTTP codec) that turns on TCP keepalive and keeps the connection in the
/// ``ConnectionRegistry`` (the cap), noting when requests start and end.
///
/// Timeouts are Hummingbird's: `HTTP1Channel.Configuration.idleTimeout` closes a connection that reads nothing
/// for `connections.idleTimeoutSeconds`, before its first request, between requests, or in the middle of a
/// request's body (a photo chunk whose link died silently): the route then sees the body fail, discards the
/// chunk and lets go of the upload.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let registry: ConnectionRegistry
    private let keepAliveSeconds: Int
    private var isRegistered = false

    init(registry: ConnectionRegistry, keepAliveSeconds: Int) {
        self.registry = registry
        self.keepAliveSeconds = keepAliveSeconds
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { register(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        register(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        unregister(context)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        unregister(context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { registry.requestStarted(on: context.channel) }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { registry.requestEnded(on: context.channel) }
        context.write(data, promise: promise)
    }

    private func register(_ context: ChannelHandlerContext) {
        guard !isRegistered else { return }
        isRegistered = true
        if keepAliveSeconds > 0 { Self.enableKeepAlive(context.channel, idleSeconds: keepAliveSeconds) }
        if let surplus = registry.open(context.channel) {
            surplus.close(promise: nil)
        }
    }

    private func unregister(_ context: ChannelHandlerContext) {
        guard isRegistered else { return }
        isRegistered = false
        registry.close(context.channel)
    }

    /// `SO_KEEPALIVE` with the first probe after `idleSeconds` of silence, then every 10 s, 3 probes: a peer
    /// that vanished without FIN or RST (a radio link gone) is noticed by the kernel even with no timeout set.
    static func enableKeepAlive(_ channel: any Channel, idleSeconds: Int) {
        let tcp = NIOBSDSocket.OptionLevel.tcp
        _ = channel.setOption(ChannelOptions.socketOption(.so_keepalive), value: 1)
        _ = channel.setOption(ChannelOptions.Types.SocketOption(level: tcp, name: .init(rawValue: TCP_KEEPIDLE)), value: idleSeconds)
        _ = channel.setOption(ChannelOptions.Types.SocketOption(level: tcp, name: .init(rawValue: TCP_KEEPINTVL)), value: 10)
        _ = channel.setOption(ChannelOptions.Types.SocketOption(level: tcp, name: .init(rawValue: TCP_KEEPCNT)), value: 3)
    }
}
