import NIOCore
import NIOPosix
import Synchronization

/// A TCP proxy on 127.0.0.1 in front of a server, for failure drills: `cut` takes the server away as an outage
/// would, `restore` brings it back, and the client in between sees only what it would see of the real thing.
public final class TCPProxy: Sendable {
    /// How the server goes away.
    public enum Outage: String, CaseIterable, CustomStringConvertible, Sendable {
        /// The server stopped: open connections are closed and new ones are refused.
        case refused
        /// The server stopped answering (a network partition, a frozen host): connections open and stay open, and
        /// nothing comes back.
        case silent

        public var description: String { rawValue }
    }

    private struct State {
        var port = 0
        var listener: (any Channel)?
        var outage: Outage?
        var connections: [ObjectIdentifier: any Channel] = [:]
    }

    private let upstreamHost: String
    private let upstreamPort: Int
    private let state = Mutex(State())

    /// Starts a proxy on a free port of 127.0.0.1 that forwards every connection to `host`:`port`.
    public static func start(forwardingTo host: String, port: Int) async throws -> TCPProxy {
        let proxy = TCPProxy(upstreamHost: host, upstreamPort: port)
        let listener = try await proxy.listen(on: 0)
        proxy.state.withLock { state in
            state.port = listener.localAddress?.port ?? 0
            state.listener = listener
        }
        return proxy
    }

    private init(upstreamHost: String, upstreamPort: Int) {
        self.upstreamHost = upstreamHost
        self.upstreamPort = upstreamPort
    }

    /// The port clients connect to; it stays the same across `cut` and `restore`.
    public var port: Int { state.withLock { $0.port } }

    var isSilent: Bool { state.withLock { $0.outage == .silent } }

    /// Takes the server away: see `Outage`.
    public func cut(_ outage: Outage) async throws {
        let (listener, connections) = state.withLock { state in
            state.outage = outage
            let listener = outage == .refused ? state.listener.take() : nil
            return (listener, outage == .refused ? Array(state.connections.values) : [])
        }
        try await listener?.close()
        for connection in connections { try? await connection.close() }
    }

    /// Brings the server back on the same port. Connections opened before or during a silent outage are closed: bytes
    /// were lost on them, as a client would find out once the network came back.
    public func restore() async throws {
        let (previous, port) = state.withLock { ($0.outage, $0.port) }
        switch previous {
        case .refused:
            let listener = try await listen(on: port)
            state.withLock { state in
                state.listener = listener
                state.outage = nil
            }
        case .silent:
            let connections = state.withLock { state in
                state.outage = nil
                return Array(state.connections.values)
            }
            for connection in connections { try? await connection.close() }
        case nil:
            return
        }
    }

    /// Stops listening and closes every connection.
    public func close() async {
        let (listener, connections) = state.withLock { state in
            state.outage = .refused
            return (state.listener.take(), Array(state.connections.values))
        }
        try? await listener?.close()
        for connection in connections { try? await connection.close() }
    }

    private func listen(on port: Int) async throws -> any Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            // The same port again after `restore`, while connections closed by `cut` linger in TIME_WAIT.
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] inbound in accept(inbound) }
            .bind(host: "127.0.0.1", port: port)
            .get()
    }

    /// Connects `inbound` to the server, or, during a silent outage, holds it open answering nothing.
    private func accept(_ inbound: any Channel) -> EventLoopFuture<Void> {
        guard !isSilent else {
            return inbound.eventLoop.makeCompletedFuture { try inbound.pipeline.syncOperations.addHandler(Relay(partner: nil, proxy: self)) }
        }
        // On the inbound channel's event loop, so both relays run on one thread.
        return ClientBootstrap(group: inbound.eventLoop).connect(host: upstreamHost, port: upstreamPort).flatMapThrowing { outbound in
            try outbound.pipeline.syncOperations.addHandler(Relay(partner: inbound, proxy: self))
            try inbound.pipeline.syncOperations.addHandler(Relay(partner: outbound, proxy: self))
        }
    }

    /// Keeps `channel` for `cut` to close; closes it at once when the server is gone by then.
    func track(_ channel: any Channel) {
        let refused = state.withLock { state in
            state.connections[ObjectIdentifier(channel)] = channel
            return state.outage == .refused
        }
        if refused { channel.close(promise: nil) }
    }

    func forget(_ channel: any Channel) {
        _ = state.withLock { $0.connections.removeValue(forKey: ObjectIdentifier(channel)) }
    }
}

/// Forwards what one side sends to the other (`partner`), drops it during a silent outage, and closes the other side
/// when this one closes.
private final class Relay: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let partner: (any Channel)?
    let proxy: TCPProxy

    init(partner: (any Channel)?, proxy: TCPProxy) {
        self.partner = partner
        self.proxy = proxy
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { proxy.track(context.channel) }
    }

    func channelActive(context: ChannelHandlerContext) {
        proxy.track(context.channel)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let partner, !proxy.isSilent else { return }
        partner.writeAndFlush(unwrapInboundIn(data), promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        proxy.forget(context.channel)
        partner?.close(promise: nil)
        context.fireChannelInactive()
    }
}
