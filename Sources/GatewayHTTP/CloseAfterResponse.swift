import NIOCore
import NIOHTTP1

/// Closes a connection after the response when the request asked for that: HTTP/1.0 without `keep-alive`, or
/// `Connection: close`. The version is gone once the request is converted to HTTP types, so this sits right after
/// the HTTP/1 decoder (``CloseAfterResponseInstaller`` puts it there).
final class CloseAfterResponse: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private var closing = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) { closing = !head.isKeepAlive }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard closing else { return context.write(data, promise: promise) }
        switch unwrapOutboundIn(data) {
        case .head(var head):
            head.headers.replaceOrAdd(name: "connection", value: "close")
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end:
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.cascade(to: promise)
            written.futureResult.whenComplete { _ in context.close(promise: nil) }
            context.writeAndFlush(data, promise: written)
        case .body:
            context.write(data, promise: promise)
        }
    }
}

/// Added with Hummingbird's extra handlers (after the conversion to HTTP types); moves a ``CloseAfterResponse``
/// to just after the HTTP/1 decoder and takes itself out.
package final class CloseAfterResponseInstaller: ChannelInboundHandler, RemovableChannelHandler {
    package typealias InboundIn = NIOAny

    package init() {}

    package func handlerAdded(context: ChannelHandlerContext) {
        let pipeline = context.pipeline.syncOperations
        if let decoder = try? pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self) {
            try? pipeline.addHandler(CloseAfterResponse(), position: .after(decoder))
        }
        pipeline.removeHandler(context: context, promise: nil)
    }
}
