import Hummingbird
import NIOCore

/// Request context of the simulator's router; it keeps the peer address for the loopback-only admin routes.
struct SimulatorRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Request bodies the simulator reads are small JSON documents.
    var maxUploadSize: Int { 1 << 20 }
}
