import ArgumentParser
import Foundation
import Logging
import Metrics
import Observability
import ServiceLifecycle
import StreamMonitor
import Twitch

/// `highlights monitor`: the stream monitoring service. Every flag overrides the seed's environment variable of the
/// same meaning (see `MonitorConfiguration`).
struct MonitorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor", abstract: "The stream monitoring service: Twitch streams and chat into Kafka, Redis and PostgreSQL.",
        discussion: """
            Polls Get Streams for the tracked channels (--channels / TRACKED_CHANNELS plus the tracked rows of \
            `streamers`), keeps a Redis key per live channel, joins their chat and publishes it to chat-messages; \
            online/offline changes go to stream-lifecycle. Prometheus on --prometheus-port (9100), /health on \
            --health-port (8080). Twitch: TWITCH_CLIENT_ID, TWITCH_CLIENT_SECRET, TWITCH_API_BASE_URL, \
            TWITCH_AUTH_BASE_URL, TWITCH_IRC_URL. SIGTERM/SIGINT stop it after the chat held is delivered to Kafka.
            """)

    @Option(help: "Kafka bootstrap servers (default: KAFKA_BOOTSTRAP_SERVERS, else KAFKA_BROKER_URL).") var kafka: String?
    @Option(help: "The chat topic.") var chatTopic: String?
    @Option(help: "The lifecycle topic.") var lifecycleTopic: String?
    @Option(help: "PostgreSQL URL (default: POSTGRES_URL).") var postgres: String?
    @Option(help: "Redis URL (default: REDIS_URL).") var redis: String?
    @Option(help: "Redis key prefix of the liveness keys.") var liveKeyPrefix: String?
    @Option(help: "Seconds between Get Streams polls (default 120, MONITOR_POLL_INTERVAL_SECONDS).") var pollInterval: Double?
    @Option(help: "Seconds a liveness key lives without a poll refreshing it (default 150, MONITOR_LIVE_TTL_SECONDS).") var liveTTL: Double?
    @Option(help: "Channels to track, comma-separated logins or ids (default: TRACKED_CHANNELS).") var channels: String?
    @Option(help: "Prometheus port (default 9100, PROMETHEUS_PORT).") var prometheusPort: Int?
    @Option(help: "Health endpoint port (default 8080, HEALTH_CHECK_PORT).") var healthPort: Int?
    @Option(help: "Log level (default: LOG_LEVEL, else info).") var logLevel: String?
    @Flag(help: "Do not apply the schema at start.") var skipSchema = false

    func run() async throws {
        var config = try MonitorConfiguration.fromEnvironment()
        if let kafka { config.kafkaBootstrapServers = kafka }
        if let chatTopic { config.chatTopic = chatTopic }
        if let lifecycleTopic { config.lifecycleTopic = lifecycleTopic }
        if let postgres { config.postgresURL = postgres }
        if let redis { config.redisURL = redis }
        if let liveKeyPrefix { config.liveKeyPrefix = liveKeyPrefix }
        if let pollInterval { config.pollInterval = .milliseconds(Int64(pollInterval * 1000)) }
        if let liveTTL { config.liveTTL = .milliseconds(Int64(liveTTL * 1000)) }
        if let channels { config.trackedChannels = MonitorConfiguration.channelList(channels) }
        if let prometheusPort { config.prometheusPort = prometheusPort }
        if let healthPort { config.healthCheckPort = healthPort }
        if let logLevel { config.logLevel = logLevel.lowercased() }
        if skipSchema { config.applySchema = false }
        do { try config.validate() } catch { throw ValidationError("\(error)") }

        var observability = ObservabilityConfiguration.fromEnvironment().0
        observability.logLevel = ObservabilityConfiguration.parseLogLevel(config.logLevel) ?? observability.logLevel
        let logger = Observability.bootstrapLogging(label: "monitor", configuration: observability)
        // Every swift-metrics user in the process (Twitch, IRC, the monitor) reports into the endpoint's registry.
        let registry = Observability.bootstrapMetrics()

        let endpoints = try TwitchEndpoints.fromEnvironment()
        let helix = try HelixClient(endpoints: endpoints, credentials: try TwitchCredentials.fromEnvironment())
        let monitor = try StreamMonitorService(configuration: config, directory: HelixStreamDirectory(client: helix),
                                               metrics: MonitorMetrics(), logger: logger)
        let irc = IRCChatClient(configuration: IRCChatConfiguration(host: endpoints.ircHost, port: endpoints.ircPort,
                                                                    useTLS: endpoints.ircTLS),
                                logger: Logger(label: "highlights.monitor.irc"), onMessages: monitor.chatPump.ircHandler)
        monitor.attach(chat: IRCChatRooms(client: irc))
        let health = MonitorHTTPServer.health(host: config.listenHost, port: config.healthCheckPort, health: monitor.health, logger: logger)
        let metrics = PrometheusEndpoint(registry: registry, host: config.listenHost, port: config.prometheusPort, logger: logger)
        // Stop order (reverse): the endpoints, chat reception, then the monitor, which flushes what chat it holds.
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: monitor), .init(service: irc), .init(service: health), .init(service: metrics)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
