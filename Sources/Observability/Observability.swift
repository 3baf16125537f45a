import Foundation
import Logging
import Metrics
import Prometheus

/// Structured JSON logs and a Prometheus endpoint shared by the Highlights and Dataflow processes.
public enum Observability {
    /// Installs the process-wide log handler (once per process; swift-log refuses a second bootstrap).
    ///
    /// - Parameters:
    ///   - label: the process's name (`jobmanager`, `monitor`, `api`…), written as `service` on every JSON line so
    ///     Loki can tell containers' streams apart even when they share a logger label.
    ///   - format: overrides `LOG_FORMAT`; `nil` uses the environment, then text on a terminal and JSON otherwise.
    ///   - configuration: the defaults with the environment applied; pass one to ignore the environment.
    ///   - metadataProvider: context added to every line (e.g. a task-local job id).
    /// - Returns: a logger labelled `label`. Invalid environment values have been logged on it as warnings.
    @discardableResult
    public static func bootstrapLogging(label: String, format: LogFormat? = nil,
                                        configuration: ObservabilityConfiguration? = nil,
                                        metadataProvider: Logger.MetadataProvider? = nil) -> Logger {
        let (fromEnvironment, warnings) = ObservabilityConfiguration.fromEnvironment()
        let configuration = configuration ?? fromEnvironment
        let factory = makeLogHandlerFactory(service: label, format: format ?? configuration.resolvedLogFormat(),
                                            configuration: configuration)
        LoggingSystem.bootstrap(factory, metadataProvider: metadataProvider)
        let logger = Logger(label: label)
        for warning in warnings { logger.warning("\(warning)") }
        return logger
    }

    /// The factory `bootstrapLogging` installs; separate so it can be exercised without the global bootstrap.
    public static func makeLogHandlerFactory(service: String, format: LogFormat,
                                             configuration: ObservabilityConfiguration,
                                             writer: LogLineWriter = .standardError)
        -> @Sendable (String, Logger.MetadataProvider?) -> any LogHandler {
        { label, provider in
            switch format {
            case .json:
                return JSONLogHandler(label: label, service: service, logLevel: configuration.logLevel,
                                      includeSourceLocation: configuration.includeSourceLocation,
                                      metadataProvider: provider, writer: writer)
            case .text:
                var handler = StreamLogHandler.standardError(label: label, metadataProvider: provider)
                handler.logLevel = configuration.logLevel
                return MaskingLogHandler(inner: handler)
            }
        }
    }

    /// Routes swift-metrics to a Prometheus registry (once per process) and returns the registry for
    /// `PrometheusEndpoint` to serve.
    @discardableResult
    public static func bootstrapMetrics(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry())
        -> PrometheusCollectorRegistry {
        MetricsSystem.bootstrap(makeMetricsFactory(registry: registry))
        return registry
    }

    /// The swift-metrics factory over `registry`; timers are exported in seconds, Prometheus' convention.
    public static func makeMetricsFactory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        PrometheusMetricsFactory(registry: registry)
    }
}
