import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// One reply of an SMTP server: its code and its lines of text.
struct SMTPReply: Sendable, CustomStringConvertible {
    let code: Int
    let lines: [String]

    var description: String { "\(code) \(lines.joined(separator: " / "))" }
}

/// What went wrong in a conversation with an SMTP server.
enum SMTPError: Error, CustomStringConvertible {
    /// The server refused for now (4xx): worth trying again later.
    case transient(SMTPReply)
    /// The server refused for good (5xx).
    case permanent(SMTPReply)
    /// The server did not answer within the timeout, closed the connection, or spoke something else than SMTP.
    case connection(String)

    var description: String {
        switch self {
        case .transient(let reply): "the SMTP server refused for now: \(reply)"
        case .permanent(let reply): "the SMTP server refused: \(reply)"
        case .connection(let reason): "SMTP connection failed: \(reason)"
        }
    }
}

/// Collects the server's replies (multi-line ones joined) and hands each to the command waiting for it, in order.
/// Runs on the channel's event loop only.
final class SMTPReplyHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private var buffer = ByteBuffer()
    private var partial: [String] = []
    private var replies = CircularBuffer<SMTPReply>()
    private var waiting = CircularBuffer<EventLoopPromise<SMTPReply>>()
    private var failure: SMTPError?

    /// The next reply: one already received, or the one still to come.
    func nextReply(on eventLoop: any EventLoop) -> EventLoopFuture<SMTPReply> {
        eventLoop.assertInEventLoop()
        if let reply = replies.popFirst() { return eventLoop.makeSucceededFuture(reply) }
        if let failure { return eventLoop.makeFailedFuture(failure) }
        let promise = eventLoop.makePromise(of: SMTPReply.self)
        waiting.append(promise)
        return promise.futureResult
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        buffer.writeBuffer(&incoming)
        while let line = nextLine() {
            guard line.count >= 3, let code = Int(line.prefix(3)), (200...599).contains(code) else {
                fail(.connection("the server sent something that is not an SMTP reply"), context: context)
                return
            }
            let separator = line.dropFirst(3).first
            partial.append(String(line.dropFirst(4)))
            // "250-..." continues the reply; "250 ..." (or a bare "250") ends it.
            guard separator != "-" else { continue }
            let reply = SMTPReply(code: code, lines: partial)
            partial = []
            if let promise = waiting.popFirst() { promise.succeed(reply) } else { replies.append(reply) }
        }
        // A line longer than any reply: not an SMTP server.
        if buffer.readableBytes > 64 * 1024 { fail(.connection("a reply line of more than 64 KiB"), context: context) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.connection("the server closed the connection"), context: context)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(.connection("\(error)"), context: context)
    }

    private func nextLine() -> String? {
        let readable = buffer.readableBytesView
        guard let newline = readable.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        let length = readable.distance(from: readable.startIndex, to: newline) + 1
        guard var line = buffer.readString(length: length) else { return nil }
        // By scalar: "\r\n" is one Character in Swift, so `hasSuffix("\n")` would not see it.
        while let last = line.unicodeScalars.last, last == "\r" || last == "\n" { line.unicodeScalars.removeLast() }
        return line
    }

    private func fail(_ error: SMTPError, context: ChannelHandlerContext) {
        if failure == nil { failure = error }
        while let promise = waiting.popFirst() { promise.fail(error) }
        context.close(promise: nil)
    }
}

/// One conversation with an SMTP server: connect, then one command at a time, each answered within the timeout.
final class SMTPConnection: Sendable {
    let channel: any Channel
    /// The reply handler, used on the channel's event loop only.
    private let replies: NIOLoopBound<SMTPReplyHandler>
    private let timeout: Duration

    private init(channel: any Channel, replies: NIOLoopBound<SMTPReplyHandler>, timeout: Duration) {
        self.channel = channel
        self.replies = replies
        self.timeout = timeout
    }

    /// Connects within `connectTimeout`, with TLS from the first byte when `tls` is given.
    static func connect(
        host: String, port: Int, tls: NIOSSLContext?, connectTimeout: Duration, commandTimeout: Duration,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> SMTPConnection {
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(TimeAmount(connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: Self.sniName(host)))
                    }
                    try channel.pipeline.syncOperations.addHandler(SMTPReplyHandler())
                }
            }
        do {
            let channel = try await bootstrap.connect(host: host, port: port).get()
            let replies = try await channel.eventLoop.submit {
                NIOLoopBound(try channel.pipeline.syncOperations.handler(type: SMTPReplyHandler.self), eventLoop: channel.eventLoop)
            }.get()
            return SMTPConnection(channel: channel, replies: replies, timeout: commandTimeout)
        } catch {
            throw SMTPError.connection("cannot connect to \(host):\(port): \(error)")
        }
    }

    /// The next reply, within the command timeout (past it, the connection is closed).
    func reply() async throws -> SMTPReply {
        let eventLoop = channel.eventLoop
        let future = eventLoop.flatSubmit { self.replies.value.nextReply(on: eventLoop) }
        let deadline = eventLoop.scheduleTask(in: TimeAmount(timeout)) { [channel] in channel.close(promise: nil) }
        defer { deadline.cancel() }
        do {
            return try await future.get()
        } catch let error as SMTPError {
            throw error
        } catch {
            throw SMTPError.connection("\(error)")
        }
    }

    /// Sends `line` (CRLF is added) and waits for the reply; a 4xx or 5xx reply is thrown.
    @discardableResult
    func command(_ line: String, expecting accepted: ClosedRange<Int> = 200...399) async throws -> SMTPReply {
        try await write(line + "\r\n")
        return try Self.check(try await reply(), accepted: accepted)
    }

    func write(_ text: String) async throws {
        do {
            try await channel.writeAndFlush(channel.allocator.buffer(string: text)).get()
        } catch {
            throw SMTPError.connection("cannot write to the server: \(error)")
        }
    }

    /// Turns the connection into TLS (after the server's 220 to STARTTLS).
    func startTLS(_ context: NIOSSLContext, host: String) async throws {
        let serverName = Self.sniName(host)
        do {
            try await channel.eventLoop.submit { [channel] in
                try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: serverName), position: .first)
            }.get()
        } catch {
            throw SMTPError.connection("cannot start TLS: \(error)")
        }
    }

    func close() async {
        try? await channel.close().get()
    }

    /// A reply in `accepted`, or the error its class means.
    static func check(_ reply: SMTPReply, accepted: ClosedRange<Int>) throws -> SMTPReply {
        if accepted.contains(reply.code) { return reply }
        if (400...499).contains(reply.code) { throw SMTPError.transient(reply) }
        if (500...599).contains(reply.code) { throw SMTPError.permanent(reply) }
        throw SMTPError.connection("unexpected reply \(reply)")
    }

    /// Server Name Indication takes host names only; certificates for an IP address are still checked.
    private static func sniName(_ host: String) -> String? {
        host.unicodeScalars.allSatisfy { $0 == "." || ("0"..."9").contains($0) } || host.contains(":") ? nil : host
    }
}
