import Foundation
import KafkaConnector

/// Every setting of the stream monitor with its default, read from the seed's environment variables
/// (DESIGN.md §2) and overridden by `highlights monitor` flags.
public struct MonitorConfiguration: Sendable {
    // Kafka
    public var kafkaBootstrapServers = defaultBootstrapServers()
    public var chatTopic = "chat-messages"
    public var chatTopicPartitions = 20
    public var lifecycleTopic = "stream-lifecycle"
    public var lifecycleTopicPartitions = 10
    /// Create the topics (with the partition counts above) when they do not exist yet.
    public var createTopics = true
    /// librdkafka's `linger.ms` for chat: a few ms of batching is what makes ≥ 50k messages/s possible.
    public var chatLingerMillis = 20
    /// Chat messages received but not yet handed to the producer before IRC is slowed down (backpressure).
    public var chatQueueLimit = 200_000

    // PostgreSQL (`POSTGRES_URL`, `POSTGRES_USER`, `POSTGRES_PASSWORD`)
    public var postgresURL: String?
    /// Apply the bundled `infrastructure/postgres/init.sql` at start (idempotent).
    public var applySchema = true

    // Redis (`REDIS_URL`)
    public var redisURL: String?
    /// Liveness keys are `<prefix><broadcaster_id>`.
    public var liveKeyPrefix = "highlights:live:"

    // Polling
    /// Get Streams for every tracked channel this often (the seed: 2 minutes).
    public var pollInterval: Duration = .seconds(120)
    /// The liveness key's TTL, refreshed on every poll that sees the channel live; its expiry is the offline event.
    /// Longer than the poll interval, so one slow poll does not end a stream.
    public var liveTTL: Duration = .seconds(150)
    /// Logins or numeric ids of the channels to follow, on top of the `streamers` rows marked tracked.
    public var trackedChannels: [String] = []

    // Endpoints
    public var listenHost = "0.0.0.0"
    public var prometheusPort = 9100
    public var healthCheckPort = 8080
    /// How often the health probe checks PostgreSQL, Redis and Kafka.
    public var healthProbeInterval: Duration = .seconds(5)

    public var logLevel = "info"
    /// How long shutdown waits for the producer to deliver what it holds.
    public var shutdownFlushTimeout: Duration = .seconds(30)

    public init() {}

    /// The seed's variables: KAFKA_BOOTSTRAP_SERVERS / KAFKA_BROKER_URL, POSTGRES_URL, REDIS_URL, PROMETHEUS_PORT,
    /// HEALTH_CHECK_PORT, LOG_LEVEL, plus MONITOR_POLL_INTERVAL_SECONDS, MONITOR_LIVE_TTL_SECONDS and
    /// TRACKED_CHANNELS (comma-separated logins or ids). Twitch's come from `TwitchEndpoints`/`TwitchCredentials`.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> MonitorConfiguration {
        var c = MonitorConfiguration()
        func value(_ name: String) -> String? { env[name].flatMap { $0.isEmpty ? nil : $0 } }
        func integer(_ name: String) throws -> Int? {
            guard let s = value(name) else { return nil }
            guard let v = Int(s), v >= 0 else { throw MonitorConfigurationError("\(name) must be a non-negative integer, not '\(s)'") }
            return v
        }
        func seconds(_ name: String) throws -> Duration? {
            guard let s = value(name) else { return nil }
            guard let v = Double(s), v > 0, v.isFinite else { throw MonitorConfigurationError("\(name) must be a positive number of seconds, not '\(s)'") }
            return .milliseconds(Int64(v * 1000))
        }
        c.postgresURL = value("POSTGRES_URL")
        c.redisURL = value("REDIS_URL")
        if let v = try integer("PROMETHEUS_PORT") { c.prometheusPort = v }
        if let v = try integer("HEALTH_CHECK_PORT") { c.healthCheckPort = v }
        if let v = value("LOG_LEVEL") { c.logLevel = v.lowercased() }
        if let v = try seconds("MONITOR_POLL_INTERVAL_SECONDS") { c.pollInterval = v }
        if let v = try seconds("MONITOR_LIVE_TTL_SECONDS") { c.liveTTL = v }
        if let v = value("TRACKED_CHANNELS") { c.trackedChannels = Self.channelList(v) }
        return c
    }

    public static func channelList(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "," || $0 == " " }).map { $0.lowercased() }.filter { !$0.isEmpty }
    }

    public func validate() throws {
        guard pollInterval > .zero else { throw MonitorConfigurationError("the poll interval must be positive") }
        guard liveTTL > pollInterval else {
            throw MonitorConfigurationError("the live TTL (\(liveTTL)) must be longer than the poll interval (\(pollInterval)), or every channel would flap offline between polls")
        }
        guard chatQueueLimit > 0 else { throw MonitorConfigurationError("the chat queue limit must be positive") }
    }
}

public struct MonitorConfigurationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
