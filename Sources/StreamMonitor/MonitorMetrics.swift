import CoreMetrics
import Foundation
import Metrics

/// The monitor's metrics, through swift-metrics (so the Prometheus endpoint, or any other backend, exposes them).
/// `factory` is the process's bootstrapped one by default; tests pass their own.
public final class MonitorMetrics: Sendable {
    /// Channels live right now (the seed's `active_stream_count`).
    public let activeStreamCount: Gauge
    /// Chat messages per second received from IRC, over the last rate interval (the seed's `chat_message_rate`).
    public let chatMessageRate: Gauge
    // The seed's `twitch_api_errors_total` is the Twitch client's (`TwitchAPIMetrics`, labelled endpoint and kind):
    // counting failed polls here as well put each failure in two series.
    public let chatMessagesReceived: Counter
    /// Acknowledged by Kafka.
    public let chatMessagesPublished: Counter
    /// Times IRC had to wait because the producer was behind.
    public let chatBackpressureWaits: Counter
    public let chatBacklog: Gauge
    public let channelsJoined: Gauge
    public let chatJoinErrors: Counter
    public let lifecycleOnline: Counter
    public let lifecycleOffline: Counter
    public let polls: Counter
    public let pollDuration: Timer
    public let trackedChannels: Gauge
    public let kafkaErrors: Counter
    public let redisErrors: Counter
    public let postgresErrors: Counter
    /// 1 when the dependency's last check succeeded, per dependency.
    public let dependencyUp: [DependencyHealth.Dependency: Gauge]

    public init(factory: MetricsFactory = MetricsSystem.factory) {
        activeStreamCount = Gauge(label: "active_stream_count", factory: factory)
        chatMessageRate = Gauge(label: "chat_message_rate", factory: factory)
        chatMessagesReceived = Counter(label: "chat_messages_received_total", factory: factory)
        chatMessagesPublished = Counter(label: "chat_messages_published_total", factory: factory)
        chatBackpressureWaits = Counter(label: "chat_backpressure_waits_total", factory: factory)
        chatBacklog = Gauge(label: "chat_backlog", factory: factory)
        channelsJoined = Gauge(label: "chat_channels_joined", factory: factory)
        chatJoinErrors = Counter(label: "chat_join_errors_total", factory: factory)
        lifecycleOnline = Counter(label: "stream_lifecycle_events_total", dimensions: [("type", "online")], factory: factory)
        lifecycleOffline = Counter(label: "stream_lifecycle_events_total", dimensions: [("type", "offline")], factory: factory)
        polls = Counter(label: "stream_polls_total", factory: factory)
        pollDuration = Timer(label: "stream_poll_duration_seconds", preferredDisplayUnit: .seconds, factory: factory)
        trackedChannels = Gauge(label: "tracked_channels", factory: factory)
        kafkaErrors = Counter(label: "monitor_dependency_errors_total", dimensions: [("dependency", "kafka")], factory: factory)
        redisErrors = Counter(label: "monitor_dependency_errors_total", dimensions: [("dependency", "redis")], factory: factory)
        postgresErrors = Counter(label: "monitor_dependency_errors_total", dimensions: [("dependency", "postgres")], factory: factory)
        var up: [DependencyHealth.Dependency: Gauge] = [:]
        for d in DependencyHealth.Dependency.allCases {
            up[d] = Gauge(label: "dependency_up", dimensions: [("dependency", d.rawValue)], factory: factory)
        }
        dependencyUp = up
    }
}
