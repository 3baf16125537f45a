import Foundation

/// Where a reader starts in each of its partitions (Flink's `OffsetsInitializer`).
public indirect enum StartingOffsets: Sendable, Equatable, CustomStringConvertible {
    /// The first offset still in the log.
    case earliest
    /// The end of the log when the partition is first fetched: only records produced afterwards.
    case latest
    /// The first record whose timestamp is at or after this epoch-millisecond time.
    case timestamp(Int64)
    /// The consumer group's committed offset; where the group has none, `orElse`.
    case committed(orElse: StartingOffsets)

    public var description: String {
        switch self {
        case .earliest: "earliest"
        case .latest: "latest"
        case .timestamp(let t): "timestamp(\(t))"
        case .committed(let other): "committed(orElse: \(other))"
        }
    }
}

/// The servers named by `KAFKA_BOOTSTRAP_SERVERS` (the project's convention), else localhost:9092.
public func defaultBootstrapServers() -> String {
    let env = ProcessInfo.processInfo.environment
    return env["KAFKA_BOOTSTRAP_SERVERS"] ?? env["KAFKA_BROKER_URL"] ?? "localhost:9092"
}

/// Every option of `KafkaSource`, with its default. Anything librdkafka offers beyond these goes in `properties`.
public struct KafkaSourceOptions: Sendable {
    /// `host:port[,host:port…]`.
    public var bootstrapServers: String
    public var topic: String
    /// The consumer group offsets are committed to and `.committed` reads from. Nil: nothing is committed
    /// (readers still need a group internally; they get a private one).
    public var groupId: String?
    public var startingOffsets: StartingOffsets = .earliest
    /// Stop at the end offsets present when each partition is first fetched, so a topic replays like a file;
    /// partition discovery is off then (as in Flink).
    public var bounded = false
    /// A larger message value becomes a dead letter instead of a record.
    public var maxMessageBytes = 1 << 20
    /// How often partitions added to the topic are looked for (unbounded only); nil: never.
    public var partitionDiscoveryInterval: Duration? = .seconds(30)
    /// How long the first contact with the brokers (metadata, committed offsets, timestamp lookups) may take
    /// before the job fails with an error naming the bootstrap servers.
    public var startupTimeout: Duration = .seconds(30)
    /// How often consumed offsets are committed to the group (they are also committed at the end of a bounded
    /// run and on close).
    public var commitInterval: Duration = .seconds(5)
    /// Commit offsets to `groupId` at all (Flink's `commit.offsets.on.checkpoint`).
    public var commitOffsets = true
    /// Passed to librdkafka as they are (`fetch.max.bytes`, `security.protocol`, …), after the connector's
    /// defaults. The settings the connector manages itself are rejected here (see `KafkaSourceOptions.managedKeys`).
    public var properties: [String: String] = [:]

    public init(bootstrapServers: String = defaultBootstrapServers(), topic: String, groupId: String? = nil) {
        self.bootstrapServers = bootstrapServers
        self.topic = topic
        self.groupId = groupId
    }

    /// Settings the reader depends on: set them through the options above, not `properties`.
    public static let managedKeys: Set<String> = [
        "bootstrap.servers", "metadata.broker.list", "group.id", "enable.auto.commit", "enable.auto.offset.store",
        "enable.partition.eof",
    ]
}

/// Every option of `KafkaSink`, with its default. Anything librdkafka offers beyond these goes in `properties`.
public struct KafkaSinkOptions: Sendable {
    public var bootstrapServers: String
    public var topic: String
    /// `linger.ms`: how long the producer waits to fill a batch.
    public var lingerMillis = 5
    /// `batch.num.messages`
    public var batchMessages = 10_000
    /// `batch.size` in bytes.
    public var batchBytes = 1_000_000
    /// `queue.buffering.max.messages`: unacknowledged messages the producer holds before `write` waits.
    public var queueMessages = 100_000
    /// `acks`: "all" (-1) waits for every in-sync replica.
    public var acks = "all"
    /// `message.timeout.ms`: after this a message that could not be delivered fails the job.
    public var deliveryTimeout: Duration = .seconds(120)
    /// How often everything written so far is flushed and acknowledged (the sink's tick); nil: only at the end.
    public var flushInterval: Duration? = .seconds(1)
    /// Send the record's event timestamp as the message timestamp (else the broker's/producer's clock).
    public var writeTimestamps = true
    /// How long the first metadata request may take before the job fails naming the bootstrap servers.
    public var startupTimeout: Duration = .seconds(30)
    /// On close (normally after the final flush, so instant) how long unacknowledged messages are waited for;
    /// after a failure or cancel they are then purged and the close reports them.
    public var closeTimeout: Duration = .seconds(10)
    /// Passed to librdkafka as they are (`compression.type`, `enable.idempotence`, …), after the defaults.
    public var properties: [String: String] = [:]

    public init(bootstrapServers: String = defaultBootstrapServers(), topic: String) {
        self.bootstrapServers = bootstrapServers
        self.topic = topic
    }

    public static let managedKeys: Set<String> = ["bootstrap.servers", "metadata.broker.list"]
}

/// `properties` after checking that none of them overrides a setting the connector manages.
func passthrough(_ properties: [String: String], managed: Set<String>, client: String) throws -> [(String, String)] {
    for key in properties.keys where managed.contains(key) {
        throw KafkaError("\(client): '\(key)' is managed by the connector; use the option instead of properties")
    }
    return properties.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
}
