import Hummingbird
import Observability
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A small Hummingbird server as a `Service`: the health endpoint (8080). (Prometheus is Observability's endpoint.)
/// Port 0 binds a free port; `boundPort()` says which.
public final class MonitorHTTPServer: Service, Sendable {
    public let name: String
    private let host: String
    private let port: Int
    private let routes: @Sendable (Router<BasicRequestContext>) -> Void
    private let logger: Logger
    private let bound = Mutex<(port: Int?, waiters: [CheckedContinuation<Int, Never>])>((nil, []))

    public init(name: String, host: String, port: Int, logger: Logger, routes: @escaping @Sendable (Router<BasicRequestContext>) -> Void) {
        self.name = name; self.host = host; self.port = port; self.logger = logger; self.routes = routes
    }

    /// The health endpoint: `GET /health` → 200 when every dependency is up, else 503, with the JSON per dependency.
    public static func health(host: String, port: Int, health: DependencyHealth, logger: Logger) -> MonitorHTTPServer {
        MonitorHTTPServer(name: "health endpoint", host: host, port: port, logger: logger) { router in
            router.get("/health") { _, _ -> Response in
                Response(status: health.isHealthy ? .ok : .serviceUnavailable,
                         headers: [.contentType: "application/json"],
                         body: ResponseBody(byteBuffer: ByteBuffer(string: health.json())))
            }
        }
    }

    public func boundPort() async -> Int {
        await withCheckedContinuation { continuation in
            let port: Int? = bound.withLock { state in
                if let p = state.port { return p }
                state.waiters.append(continuation)
                return nil
            }
            if let port { continuation.resume(returning: port) }
        }
    }

    public func run() async throws {
        let router = Router()
        routes(router)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: nil, reuseAddress: true),
            onServerRunning: { [self] channel in
                let actual = channel.localAddress?.port ?? self.port
                let waiters = self.bound.withLock { state -> [CheckedContinuation<Int, Never>] in
                    state.port = actual
                    defer { state.waiters = [] }
                    return state.waiters
                }
                for w in waiters { w.resume(returning: actual) }
            },
            logger: logger)
        logger.info("\(name) listening", metadata: ["host": "\(host)", "port": "\(port)"])
        try await runCancellingGracefully(app, logger: logger)
    }
}
