import CoreMetrics
import Prometheus

/// The monitor's Prometheus registry: metrics made through `factory` appear in `exposition()`, which the
/// endpoint on `PROMETHEUS_PORT` serves. The executable also bootstraps swift-metrics with `factory`, so the Twitch
/// and IRC clients' own metrics (`twitch_api_requests_total`, `irc_messages_received_total`, …) appear there too.
public final class MonitorPrometheus: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let factory: PrometheusMetricsFactory

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Poll durations and API latencies are seconds to minutes, not the default sub-second buckets.
        factory.defaultDurationHistogramBuckets = [.milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(250),
                                                   .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30)]
        self.factory = factory
    }

    public func exposition() -> String { registry.emitToString() }
}
