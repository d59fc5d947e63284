import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose client does not deliver a complete request (headers and body) within `timeout` of the
/// connection being ready for it: a client trickling bytes keeps an idle timer from firing, but not this one.
/// Also closes the connection after any response that says `Connection: close` (a 413, say), so an oversized body
/// is not drained.
final class RequestTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?
    /// The current request has been read to its end.
    private var requestRead = false
    /// The current request's response has been written to its end (it can come first: 413, 429, 400...).
    private var responseWritten = false
    private var closeAfterResponse = false

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = unwrapInboundIn(data) {
            requestRead = true
            // Answered already (an early error)? Then this exchange is over and the next request's clock starts;
            // otherwise the handler is working and no client deadline applies until the response is written.
            if responseWritten { nextExchange(context) } else { disarm() }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            closeAfterResponse = head.headerFields[.connection]?.lowercased() == "close"
            context.write(data, promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            responseWritten = true
            if closeAfterResponse {
                let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                let written = context.eventLoop.makePromise(of: Void.self)
                written.futureResult.whenComplete { _ in bound.value.close(promise: nil) }
                promise.map { written.futureResult.cascade(to: $0) }
                context.write(data, promise: written)
                return
            }
            // A response that came before the request's end leaves the running clock alone: the client must still
            // finish sending within the deadline.
            if requestRead { nextExchange(context) }
            context.write(data, promise: promise)
        }
    }

    private func nextExchange(_ context: ChannelHandlerContext) {
        requestRead = false
        responseWritten = false
        arm(context)
    }

    private func arm(_ context: ChannelHandlerContext) {
        disarm()
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            bound.value.close(promise: nil)
        }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}
