import Hummingbird
import Operations

/// `GET /metrics`: the Prometheus text exposition (no authentication, like `/health`; it holds no ids or subject
/// data — expose it to the scraper's network only).
package struct MetricsController: Sendable {
    let sampler: MetricsSampler

    package init(sampler: MetricsSampler) {
        self.sampler = sampler
    }

    package var endpoints: RouteCollection<GatewayRequestContext> {
        RouteCollection(context: GatewayRequestContext.self).get { _, _ -> Response in
            let text = try await sampler.exposition()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
