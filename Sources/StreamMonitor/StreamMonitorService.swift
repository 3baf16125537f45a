import Dataflow
import Foundation
import KafkaConnector
import Logging
import PostgresConnector
import RedisConnector
import ServiceLifecycle

/// The stream monitoring service (DESIGN.md §2, issue item 3) as one `Service`: at start it applies the schema,
/// creates the topics and connects the producers; then it polls Get Streams every `pollInterval`, turns Redis key
/// expiries into offline events, probes its dependencies for `/health` and keeps `chat_message_rate` current.
/// On graceful shutdown (SIGTERM) it stops polling and flushes every chat message it accepted into Kafka.
///
/// Chat arrives from outside: build the IRC client with a handler that calls `chatPump.accept`, and hand its
/// join/part side in as `chat` (see `highlights monitor`).
public final class StreamMonitorService: Service, @unchecked Sendable {
    public let configuration: MonitorConfiguration
    public let metrics: MonitorMetrics
    public let health: DependencyHealth
    public let chatPump: ChatPump
    public let pool: PostgresConnectionPool
    private let redis: RedisClient
    private let redisConfiguration: RedisConfiguration
    private let lifecycle: LifecyclePublisher
    private let directory: any StreamDirectory
    private let logger: Logger
    private let parts = NSLock()
    private var chat: (any ChatRooms)?
    private var trackerInstance: StreamTracker?

    public init(configuration: MonitorConfiguration, directory: any StreamDirectory, metrics: MonitorMetrics, logger: Logger) throws {
        try configuration.validate()
        self.configuration = configuration
        self.directory = directory
        self.metrics = metrics
        self.logger = logger
        let metrics = self.metrics
        health = DependencyHealth { dependency, up in metrics.dependencyUp[dependency]?.record(up ? 1 : 0) }
        let postgres = try PostgresConfiguration.fromEnvironment(url: configuration.postgresURL)
        pool = PostgresConnectionPool(configuration: postgres)
        redisConfiguration = try configuration.redisURL.map { try RedisConfiguration(url: $0) } ?? RedisConfiguration.fromEnvironment()
        redis = RedisClient(configuration: redisConfiguration)
        lifecycle = try LifecyclePublisher(configuration: configuration)
        chatPump = try ChatPump(configuration: configuration, metrics: metrics, health: health, logger: logger)
    }

    /// The chat side (join/part); set before `run()`.
    public func attach(chat: any ChatRooms) { parts.withLock { self.chat = chat } }

    /// The state machine, once `run()` has started it (tests look at it).
    public var tracker: StreamTracker? { parts.withLock { trackerInstance } }

    public func run() async throws {
        guard let chat = parts.withLock({ self.chat }) else { throw MonitorError("StreamMonitorService: attach(chat:) before run()") }
        try await start()
        let keys = LivenessKeys(client: redis, prefix: configuration.liveKeyPrefix, ttl: configuration.liveTTL)
        let tracker = StreamTracker(configuration: configuration, directory: directory, chat: chat, keys: keys,
                                    streamers: StreamersStore(pool: pool), lifecycle: lifecycle, metrics: metrics,
                                    health: health, logger: logger)
        parts.withLock { trackerInstance = tracker }
        let expiries = RedisKeyspaceEvents(configuration: redisConfiguration, keyPrefix: configuration.liveKeyPrefix) { [health, metrics, logger] event in
            switch event {
            case .subscribed, .resubscribed: health.report(.redis, up: true, detail: "subscribed to key expiries")
            case .connectionLost(let why):
                metrics.redisErrors.increment()
                health.report(.redis, up: false, detail: "expiry subscription lost: \(why)")
                logger.warning("Redis expiry subscription lost; expiries meanwhile are reconciled on the next polls", metadata: ["reason": "\(why)"])
            case .failed(let error):
                health.report(.redis, up: false, detail: "expiry subscription failed: \(error)")
            case .expired: break
            }
        }
        let expired = expiries.expiredKeys
        try expiries.start()
        logger.info("stream monitor started", metadata: [
            "poll_interval": "\(configuration.pollInterval)", "live_ttl": "\(configuration.liveTTL)",
            "tracked": "\(configuration.trackedChannels.joined(separator: ","))"])

        var failure: Error?
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { [configuration] in
                    await cancelWhenGracefulShutdown {
                        while !Task.isCancelled {
                            await tracker.poll()
                            try? await Task.sleep(for: configuration.pollInterval)
                        }
                    }
                }
                group.addTask {
                    for await key in expired {
                        if let id = keys.broadcaster(ofKey: key.key) { await tracker.expired(id) }
                    }
                }
                group.addTask { [self] in try await cancelWhenGracefulShutdown { try await self.probeAndMeasure() } }
                group.addTask {
                    // Graceful shutdown ends the expiry stream (the other loops end by themselves).
                    try? await gracefulShutdown()
                    expiries.stop()
                }
                // The first loop to fail (the chat pump lost Kafka) stops the others.
                do {
                    while try await group.next() != nil {}
                } catch {
                    expiries.stop()
                    group.cancelAll()
                    throw error
                }
            }
        } catch {
            failure = error
        }
        try shutdown()
        if let failure { throw failure }
    }


    /// Schema, topics, producers: what must work before the first poll. Each failure names the dependency.
    func start() async throws {
        if configuration.applySchema {
            do {
                try await StreamersStore(pool: pool).applySchema()
                health.report(.postgres, up: true, detail: "schema applied")
            } catch {
                health.report(.postgres, up: false, detail: "\(error)")
                throw MonitorError("cannot apply the schema to PostgreSQL: \(error)")
            }
        }
        if configuration.createTopics {
            do {
                let admin = try KafkaAdmin(bootstrapServers: configuration.kafkaBootstrapServers, timeout: .seconds(15))
                for (topic, partitions) in [(configuration.chatTopic, configuration.chatTopicPartitions),
                                            (configuration.lifecycleTopic, configuration.lifecycleTopicPartitions)] {
                    do {
                        try admin.createTopic(topic, partitions: partitions, ifNotExists: true)
                    } catch {
                        // An existing topic is used as it is (a broker that auto-creates topics may have made it
                        // with its default partition count); asking for it first would auto-create it on such brokers.
                        guard let existing = try admin.partitionCount(topic) else { throw error }
                        logger.warning("topic exists with another partition count", metadata: [
                            "topic": "\(topic)", "partitions": "\(existing)", "configured": "\(partitions)"])
                    }
                }
            } catch {
                health.report(.kafka, up: false, detail: "\(error)")
                throw MonitorError("cannot create the Kafka topics at \(configuration.kafkaBootstrapServers): \(error)")
            }
        }
        try lifecycle.connect()
        try chatPump.start()
        do {
            _ = try await redis.perform { try $0.ping() }
            health.report(.redis, up: true, detail: "PING ok")
        } catch {
            health.report(.redis, up: false, detail: "\(error)")
            throw MonitorError("cannot reach Redis at \(redisConfiguration.endpoint): \(error)")
        }
    }

    /// Every second: `chat_message_rate` and the backlog; every `healthProbeInterval`: PostgreSQL, Redis and the
    /// chat pump's state.
    private func probeAndMeasure() async throws {
        var lastReceived = received()
        var lastTime = ContinuousClock.now
        var sinceProbe = Duration.zero
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            let now = ContinuousClock.now, count = received()
            let elapsed = Double((now - lastTime).milliseconds) / 1000
            if elapsed > 0 { metrics.chatMessageRate.record(Double(count - lastReceived) / elapsed) }
            lastReceived = count; lastTime = now
            metrics.chatBacklog.record(chatPump.backlog)
            if let error = chatPump.error {
                health.report(.kafka, up: false, detail: "chat pump stopped: \(error)")
                throw MonitorError("the chat pump stopped: \(error)")
            }
            sinceProbe += .seconds(1)
            guard sinceProbe >= configuration.healthProbeInterval else { continue }
            sinceProbe = .zero
            do {
                try await StreamersStore(pool: pool).ping()
                health.report(.postgres, up: true, detail: "SELECT 1 ok")
            } catch {
                health.report(.postgres, up: false, detail: "\(error)")
            }
            do {
                _ = try await redis.perform { try $0.ping() }
                health.report(.redis, up: true, detail: "PING ok")
            } catch {
                health.report(.redis, up: false, detail: "\(error)")
            }
        }
    }

    private func received() -> Int { chatPump.acceptedCount }

    /// Stops the producers after delivering what they hold.
    func shutdown() throws {
        logger.info("stream monitor stopping: flushing chat to Kafka", metadata: ["backlog": "\(chatPump.backlog)"])
        var firstError: Error?
        do { try chatPump.stop(timeout: configuration.shutdownFlushTimeout) } catch { firstError = error }
        do { try lifecycle.close(timeout: .seconds(5)) } catch { firstError = firstError ?? error }
        redis.close()
        pool.close()
        if let firstError {
            logger.error("stream monitor stopped with an error", metadata: ["error": "\(firstError)"])
            throw firstError
        }
        logger.info("stream monitor stopped", metadata: ["chat_published": "\(chatPump.acceptedCount)"])
    }
}
