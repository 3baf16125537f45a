import Hummingbird
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle

/// Serves `GET /metrics` in Prometheus' text exposition format from a registry, as a `Service`: run it in the
/// process's `ServiceGroup` and it stops with the others on SIGTERM.
public struct PrometheusEndpoint: Service {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public let registry: PrometheusCollectorRegistry
    public let host: String
    public let port: Int
    private let logger: Logger
    private let onListening: @Sendable (Int) async -> Void

    /// - Parameters:
    ///   - port: 0 picks a free port; `onListening` receives the one bound.
    public init(registry: PrometheusCollectorRegistry,
                host: String = ObservabilityConfiguration().metricsHost,
                port: Int = ObservabilityConfiguration().metricsPort,
                logger: Logger = Logger(label: "observability.prometheus"),
                onListening: @escaping @Sendable (Int) async -> Void = { _ in }) {
        self.registry = registry
        self.host = host
        self.port = port
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let router = Router()
        let registry = self.registry
        router.get("metrics") { _, _ -> Response in
            Response(status: .ok,
                     headers: [.contentType: Self.contentType],
                     body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        let logger = self.logger
        let onListening = self.onListening
        let application = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "prometheus-endpoint"),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? 0
                logger.info("serving Prometheus metrics", metadata: ["port": "\(bound)", "path": "/metrics"])
                await onListening(bound)
            },
            logger: logger)
        try await runCancellingGracefully(application, logger: logger)
    }
}
