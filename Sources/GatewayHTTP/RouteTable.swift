import HTTPTypes
import Hummingbird
import Synchronization

/// The router's routes, for answering a known path with an unsupported method `405` and an `Allow` header instead of
/// `404`. Filled once the router holds every route (middleware is added before the routes are).
package final class RouteTable: Sendable {
    private let routes = Mutex<[(path: RouterPath, method: HTTPRequest.Method)]>([])

    package init() {}

    package func fill<Context>(from router: Router<Context>) {
        routes.withLock { $0 = router.routes.map { ($0.path, $0.method) } }
    }

    /// The methods some route serves at `path`, sorted; empty when no route has this path.
    func methods(at path: String) -> [String] {
        let segments = path.split(separator: "/")
        let methods = routes.withLock { routes in
            routes.filter { route in
                route.path.components.count == segments.count
                    && zip(route.path.components, segments).allSatisfy { $0 ~= $1 }
            }.map(\.method.rawValue)
        }
        return Set(methods).sorted()
    }
}
