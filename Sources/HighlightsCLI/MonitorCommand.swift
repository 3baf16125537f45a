import ArgumentParser
import Foundation
import Logging
import Metrics
import Observability
import ServiceLifecycle
import StreamMonitor
import KafkaConnector
import PostgresConnector
import Twitch
import TwitchFake

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
            `highlights monitor bench` measures its chat throughput against the fake.
            """,
        subcommands: [MonitorRunCommand.self, MonitorBenchCommand.self], defaultSubcommand: MonitorRunCommand.self)
}

struct MonitorRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the stream monitoring service (the default).")

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

/// `highlights monitor bench`: the monitor's chat throughput. The fake plays channels chatting at a high rate; the
/// whole monitor (Helix polls, Redis keys, IRC, the chat pump) publishes into a fresh topic on the broker; the
/// figure is messages acknowledged by Kafka per second over the measured interval. Build in release:
/// `swift build -c release --scratch-path .build-release --product highlights`.
struct MonitorBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Measure chat messages/s from the Twitch fake through the monitor into Kafka.")

    @Option(help: "Channels chatting.") var channels = 10
    @Option(help: "Messages per second per channel the fake plays.") var rate = 10_000.0
    @Option(help: "Seconds measured (after a 3 s warm-up).") var seconds = 20
    @Option(help: "Kafka bootstrap servers (default: KAFKA_BOOTSTRAP_SERVERS).") var kafka: String?
    @Option(help: "PostgreSQL URL (default: POSTGRES_URL); the bench uses schema monitor_bench.") var postgres: String?
    @Option(help: "Redis URL (default: REDIS_URL).") var redis: String?

    func run() async throws {
        var logger = Logger(label: "monitor-bench")
        logger.logLevel = .warning
        let scenario = Scenario(seed: 5, speed: 1, channels: (0..<channels).map { i in
            Scenario.Channel(id: "\(7_000_000 + i)", login: "bench\(i)", live: [.init(from: 0)], chat: .init(rate: rate))
        })
        let clock = ScenarioClock(speed: 1)
        let http = FakeTwitchHTTPServer(scenario: scenario, clock: clock)
        let irc = FakeIRCServer(scenario: scenario, clock: clock, logger: logger, tokenValidator: { http.validateToken($0) })
        let ircPort = try await irc.start()
        let fakes = ServiceGroup(configuration: .init(services: [.init(service: http), .init(service: irc)], logger: logger))
        let fakeTask = Task { try await fakes.run() }
        let httpPort = try await http.boundPort()

        let id = UUID().uuidString.prefix(8).lowercased()
        var config = try MonitorConfiguration.fromEnvironment()
        if let kafka { config.kafkaBootstrapServers = kafka }
        let base = postgres ?? config.postgresURL ?? PostgresConfiguration.defaultURL
        config.postgresURL = base + (base.contains("?") ? "&" : "?") + "options=-c%20search_path%3Dmonitor_bench"
        let pool = PostgresConnectionPool(configuration: try PostgresConfiguration.fromEnvironment(url: base))
        _ = try await pool.withConnection { try $0.execute("CREATE SCHEMA IF NOT EXISTS monitor_bench") }
        pool.close()
        if let redis { config.redisURL = redis }
        config.chatTopic = "monitor-bench-\(id)"
        config.lifecycleTopic = "monitor-bench-lifecycle-\(id)"
        config.liveKeyPrefix = "monitor-bench-\(id):live:"
        config.pollInterval = .seconds(1)
        config.liveTTL = .seconds(5)
        config.trackedChannels = scenario.channels.map(\.login)
        config.healthCheckPort = 0

        let fake = FakeTwitchConfiguration()
        let endpoints = TwitchEndpoints.local(httpPort: httpPort, ircPort: ircPort)
        let helix = try HelixClient(endpoints: endpoints, credentials: TwitchCredentials(clientID: fake.clientID, clientSecret: fake.clientSecret))
        let monitor = try StreamMonitorService(configuration: config, directory: HelixStreamDirectory(client: helix),
                                               metrics: MonitorMetrics(), logger: logger)
        let client = IRCChatClient(configuration: IRCChatConfiguration(host: "127.0.0.1", port: ircPort, useTLS: false),
                                   logger: logger, onMessages: monitor.chatPump.ircHandler)
        monitor.attach(chat: IRCChatRooms(client: client))
        let group = ServiceGroup(configuration: .init(services: [.init(service: monitor), .init(service: client)], logger: logger))
        let task = Task { try await group.run() }

        try await Task.sleep(for: .seconds(3))
        let startPublished = monitor.chatPump.publishedCount, startSent = irc.statistics.chatLinesSent
        let started = ContinuousClock.now
        try await Task.sleep(for: .seconds(seconds))
        let elapsed = ContinuousClock.now - started
        let published = monitor.chatPump.publishedCount - startPublished
        let sent = irc.statistics.chatLinesSent - startSent
        let secs = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        await group.triggerGracefulShutdown()
        try await task.value
        await fakes.triggerGracefulShutdown()
        _ = try? await fakeTask.value
        let stats = irc.statistics
        print(String(format: "monitor bench: %d channels × %.0f msg/s offered; fake sent %.0f msg/s; monitor published %.0f msg/s "
                     + "(acknowledged by Kafka) over %.1f s; fake dropped %d lines for a slow reader; total published %d",
                     channels, rate, Double(sent) / secs, Double(published) / secs, secs,
                     stats.chatLinesDroppedForSlowReaders, monitor.chatPump.publishedCount))
        try? KafkaAdmin(bootstrapServers: config.kafkaBootstrapServers, timeout: .seconds(15)).deleteTopic(config.chatTopic)
        try? KafkaAdmin(bootstrapServers: config.kafkaBootstrapServers, timeout: .seconds(15)).deleteTopic(config.lifecycleTopic)
    }
}
