import Foundation
import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// Sits between NIO's HTTP/1 decoder and the conversion to HTTP types, where a request's version and keep-alive
/// intent are still known and the parser's errors arrive first:
/// - A request that does not ask to keep its connection (HTTP/1.0 without `Connection: keep-alive`, or any
///   `Connection: close`) is answered with `Connection: close` and the connection is closed once the answer is out,
///   instead of waiting for `REQUEST_TIMEOUT`. An HTTP/1.0 client is answered in HTTP/1.0, so never with a chunked
///   body it cannot read.
/// - A request the parser rejects (a malformed request line or header) is answered with the error envelope, the
///   security headers and a request id, and the connection is closed. An error in a body being read is left to the
///   route reading it, which answers it the same way.
final class HTTP1Guard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private struct Exchange {
        let version: HTTPVersion
        let keepAlive: Bool
    }

    /// Requests read whose answers are not fully written yet, oldest first (a client may pipeline).
    private var exchanges = CircularBuffer<Exchange>()
    /// A request's head has been read and its end not yet.
    private var readingBody = false
    /// The current answer ends the connection.
    private var closeAfterAnswer = false
    /// The parser failed: nothing more is read, and the rejection is sent once earlier answers are out.
    private var rejection: HTTPResponseStatus?
    /// An answer with no request left to answer is being dropped (see `write`).
    private var droppingUnrequested = false
    private let securityHeaders: HTTPHeaders
    private let logger: Logger

    init(securityHeaders: HTTPFields, logger: Logger) {
        self.securityHeaders = HTTPHeaders(securityHeaders)
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard rejection == nil else { return }
        switch unwrapInboundIn(data) {
        case .head(var head):
            if case .RAW(let method) = head.method, HTTPRequest.Method(method) == nil {
                reject(.badRequest, context: context)
                return
            }
            Self.dropUnreadableTraceHeaders(&head.headers)
            let keepAlive = head.isKeepAlive
            exchanges.append(Exchange(version: head.version, keepAlive: keepAlive))
            // The server closes after answering a request marked so; the client's own spelling may differ.
            if !keepAlive { head.headers.replaceOrAdd(name: "connection", value: "close") }
            readingBody = true
            context.fireChannelRead(wrapInboundOut(.head(head)))
        case .body:
            context.fireChannelRead(data)
        case .end:
            readingBody = false
            context.fireChannelRead(data)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        guard rejection == nil else { return }
        if readingBody {
            // The route is reading this body: it gets the error and answers 400 itself.
            context.fireErrorCaught(error)
            return
        }
        logger.debug("malformed HTTP request", metadata: ["error": "\(parserError)"])
        reject(parserError == .headerOverflow ? .requestHeaderFieldsTooLarge : .badRequest, context: context)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head):
            guard let exchange = exchanges.first else {
                // Every request has had its answer: this one is Hummingbird's bare 400 for a body that broke after the
                // route had answered without reading it. The client has its answer; it gets no second one.
                droppingUnrequested = true
                promise?.succeed(())
                return
            }
            if exchange.version == .http1_0 { head.version = .http1_0 }
            // HTTP/1.0 has no chunked encoding: a body of unknown length ends when the connection does.
            let unsized = head.version == .http1_0 && !head.headers.contains(name: "content-length")
            closeAfterAnswer = !exchange.keepAlive || unsized
            if closeAfterAnswer {
                head.headers.replaceOrAdd(name: "connection", value: "close")
            } else if exchange.version == .http1_0 {
                // An HTTP/1.0 client keeps the connection only when the answer says so.
                head.headers.replaceOrAdd(name: "connection", value: "keep-alive")
            }
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .body:
            guard !droppingUnrequested else {
                promise?.succeed(())
                return
            }
            context.write(data, promise: promise)
        case .end:
            guard !droppingUnrequested else {
                promise?.succeed(())
                context.close(promise: nil)
                return
            }
            _ = exchanges.popFirst()
            guard closeAfterAnswer || (rejection != nil && exchanges.isEmpty) else {
                context.write(data, promise: promise)
                return
            }
            let written = context.eventLoop.makePromise(of: Void.self)
            promise.map { written.futureResult.cascade(to: $0) }
            context.write(data, promise: written)
            if closeAfterAnswer {
                let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                written.futureResult.whenComplete { _ in bound.value.close(promise: nil) }
            } else {
                sendRejection(context: context)
            }
        }
    }

    /// W3C trace headers are printable ASCII of bounded length. Anything else is dropped before a tracer's decoder
    /// sees it: swift-w3c-trace-context 1.0.0 traps on a long `tracestate` key of combining characters (it steps a
    /// character index back by a byte count), so one request could end the process while tracing is on.
    static func dropUnreadableTraceHeaders(_ headers: inout HTTPHeaders) {
        for name in ["traceparent", "tracestate"] {
            let values = headers[name]
            guard !values.isEmpty else { continue }
            let readable = values.allSatisfy { value in
                value.utf8.count <= 512 && value.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E }
            }
            if !readable { headers.remove(name: name) }
        }
    }

    /// Stops reading and answers `status` now, or after the answers still owed to earlier requests.
    private func reject(_ status: HTTPResponseStatus, context: ChannelHandlerContext) {
        rejection = status
        readingBody = false
        if exchanges.isEmpty { sendRejection(context: context) }
    }

    private func sendRejection(context: ChannelHandlerContext) {
        guard let status = rejection else { return }
        let requestID = RequestIDs.shared.next()
        let message = status == .requestHeaderFieldsTooLarge ? "Request header fields are too large" : "Malformed HTTP request"
        var json = JSONWriter()
        Envelope(success: false, statusCode: Int(status.code), message: message, data: NoData?.none, requestId: requestID).write(to: &json)
        var headers = securityHeaders
        headers.add(name: "content-type", value: JSONResponse.contentType)
        headers.add(name: "content-length", value: String(json.buffer.readableBytes))
        headers.add(name: "content-security-policy", value: SecurityHeadersMiddleware.apiContentSecurityPolicy)
        headers.add(name: "cache-control", value: "no-store")
        headers.add(name: "x-request-id", value: requestID)
        headers.add(name: "connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(json.buffer))), promise: nil)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
    }
}

/// Hummingbird's HTTP/1 channel with an `HTTP1Guard` placed between the HTTP/1 decoder and the conversion to HTTP
/// types, where no configuration option reaches.
struct GuardedHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value

    let base: HTTP1Channel
    let securityHeaders: HTTPFields

    var responder: HTTPChannelHandler.Responder { base.responder }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let codec = try pipeline.handler(type: HTTP1ToHTTPServerCodec.self)
            try pipeline.addHandler(HTTP1Guard(securityHeaders: securityHeaders, logger: logger), position: .before(codec))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
