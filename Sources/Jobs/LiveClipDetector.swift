import Dataflow
import Foundation
import KafkaConnector
import PostgresConnector

/// Everything the live clip detector reads from `jobs.yaml` / `-D`, with its defaults in one place.
public struct LiveClipDetectorConfig: Sendable {
    /// Kafka bootstrap servers: `KAFKA_BOOTSTRAP_SERVERS`, else `KAFKA_BROKER_URL`, else localhost:9092.
    public var brokers = defaultBootstrapServers()
    public var topic = "chat-messages"
    /// The consumer group offsets are committed to (Kafka's auto-commit semantics; see the Kafka README).
    public var groupID = "clip-detector"
    /// `earliest` (default) rebuilds each channel's baseline from the retained chat on every start, as the seed
    /// does — the ledger check in `CreateClip` keeps the replay from clipping twice; `committed` resumes after the
    /// last committed offset (an empty baseline); `latest` reads only new chat.
    public var startingOffsets: StartingOffsets = .earliest
    /// PostgreSQL: `POSTGRES_URL` (+ `POSTGRES_USER`/`POSTGRES_PASSWORD`) unless given.
    public var postgresURL: String?
    public var clipsTable = "clips"
    public var streamersTable = "streamers"
    /// A Kafka partition with no chat for this long stops holding back event time (20 partitions, few live channels).
    public var idlenessMillis: Int64 = 3000
    /// Anomalies older than this (wall clock) when they reach the clip stage are recorded as failed, not clipped.
    public var maxClipAgeMillis: Int64 = 120_000
    /// Clip creations in flight per subtask.
    public var createCapacity = 16
    public var detector = ClipDetectorConfig()

    public init() {}

    static let ownParameterNames = ["brokers", "topic", "group-id", "starting-offsets", "postgres-url", "clips-table",
                                    "streamers-table", "idleness-ms", "max-clip-age-ms", "create-capacity"]
    public static let parameterNames = ownParameterNames + ClipDetectorConfig.parameterNames

    public init(parameters p: JobParameters) throws {
        try p.rejectUnknown(allowed: Self.parameterNames)
        if let v = p.values["brokers"], !v.isEmpty { brokers = v }
        if let v = p.values["topic"], !v.isEmpty { topic = v }
        if let v = p.values["group-id"], !v.isEmpty { groupID = v }
        switch p.values["starting-offsets"] ?? "earliest" {
        case "earliest": startingOffsets = .earliest
        case "committed": startingOffsets = .committed(orElse: .earliest)
        case "latest": startingOffsets = .latest
        case let other: throw JobParameterError("parameter 'starting-offsets' is earliest, committed or latest, not '\(other)'")
        }
        postgresURL = p.values["postgres-url"].flatMap { $0.isEmpty ? nil : $0 }
        for (name, value) in [("clips-table", p.values["clips-table"]), ("streamers-table", p.values["streamers-table"])] {
            if let value, !value.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) {
                throw JobParameterError("parameter '\(name)' must be a table name ([schema.]table), not '\(value)'")
            }
        }
        clipsTable = p.values["clips-table"] ?? clipsTable
        streamersTable = p.values["streamers-table"] ?? streamersTable
        idlenessMillis = try p.int64("idleness-ms", default: idlenessMillis, min: 1)
        maxClipAgeMillis = try p.int64("max-clip-age-ms", default: maxClipAgeMillis, min: 0)
        createCapacity = Int(try p.int64("create-capacity", default: Int64(createCapacity), min: 1))
        detector = try ClipDetectorConfig(parameters: JobParameters(p.values.filter { ClipDetectorConfig.parameterNames.contains($0.key) }))
    }

    public func postgresConfiguration() throws -> PostgresConfiguration {
        try PostgresConfiguration.fromEnvironment(url: postgresURL)
    }
}

/// The clip detector, live (DESIGN.md §8): chat from Kafka → drop commands → per-channel sliding windows →
/// anomaly detector → create a clip (async I/O: attempts at 0, 3 and 6 s within 10 s) → upsert into `clips`.
/// The detector stages are the replay job's own, so the live job flags exactly what the golden files say.
public enum LiveClipDetector {
    public static let name = "clip-detector"
    /// Attempts of one clip creation start at these offsets, all within the budget (DESIGN.md §8 step 5). This is
    /// the only retry of Create Clip (the HTTP client does not repeat the POST); an attempt after a 202 confirms
    /// that clip, and once every request is spent (`ClipRequestsExhausted`) no further attempt is made.
    public static let createRetry = AsyncRetryPolicy.attempts(at: [.zero, .seconds(3), .seconds(6)], within: .seconds(10),
                                                              retryIf: { !($0 is ClipRequestsExhausted) })

    public static func job(name: String = name, config: LiveClipDetectorConfig, creator: any ClipCreating) throws -> Job {
        let pool = PostgresConnectionPool(configuration: try config.postgresConfiguration())
        let ledger = ClipLedger(pool: pool, clipsTable: config.clipsTable, streamersTable: config.streamersTable)
        let detector = config.detector
        let size = Duration.milliseconds(detector.windowSizeMs), slide = Duration.milliseconds(detector.windowSlideMs)
        let watermarks = WatermarkStrategy<ChatMessage>
            .boundedOutOfOrderness(.milliseconds(detector.outOfOrdernessMs), emit: .perRecord) { $0.ts }
            .withIdleness(.milliseconds(config.idlenessMillis))
        let source = KafkaSource<ChatMessage>(topic: config.topic, bootstrapServers: config.brokers, groupId: config.groupID,
                                              startingOffsets: config.startingOffsets)
        return try Job(name) {
            Source("chat-source", source, watermarks: watermarks)
                .sideOutput(.deadLetters) { Sink("bad-chat", StderrSink<DeadLetter>("clip-detector: undecodable chat message")).parallelism(1) }
            // Chained to the source, so each partition's order reaches the windows intact.
            Filter<ChatMessage>("drop-commands") { !$0.text.hasPrefix("!") }
            KeyBy(\ChatMessage.broadcasterID)
                .window("chat-rate", .sliding(size: size, slide: slide), aggregate: Count(), lateOutput: .lateChat)
                .sideOutput(.lateChat) { Sink("late-chat", StderrSink<ChatMessage>("clip-detector: late chat message")).parallelism(1) }
            KeyBy(\WindowResult<String, Int>.key)
                .process("anomaly-detector") { AnomalyDetector(detector) }
            AsyncMap("create-clip", CreateClip(creator: creator, ledger: ledger, maxClipAgeMillis: config.maxClipAgeMillis),
                     ordering: .unordered, capacity: config.createCapacity, timeout: .seconds(10), retry: createRetry)
            FlatMap("clip-row") { (result: AsyncResult<Anomaly, ClipCreationOutcome>) -> [ClipOutcome] in
                ClipOutcome.from(result, now: Int64(Date().timeIntervalSince1970 * 1000)).map { [$0] } ?? []
            }
            // Forward edges from the keyed detector: one anomaly's rows always reach the same writer.
            Sink("clips", ClipsSink(pool: pool, table: config.clipsTable))
        }
    }
}
