import Dataflow

/// Reads one Kafka topic (Flink's `KafkaSource`).
///
/// - Partitions are spread over the parallel readers by Flink's enumerator rule (`KafkaPartitionAssigner`); each
///   reader assigns its own manually, so there are no group rebalances. Partitions added later are found by
///   periodic discovery (unbounded sources) and read from their earliest offset.
/// - Each partition is a split: watermarks are generated per partition and combined (minimum over active
///   partitions; idle ones excluded with `withIdleness`), so a busy partition cannot run ahead of a slow one.
///   A record's timestamp is the message timestamp unless the watermark strategy extracts one.
/// - Consumed offsets are committed to `groupId` periodically, at the end of a bounded run and on close (not after
///   a cancel, which waits for no broker);
///   `.committed(orElse:)` resumes there.
/// - A message the deserializer rejects, or one larger than `maxMessageBytes`, is counted (`numDeadLetters`) and
///   sent to the `.deadLetters` side output with origin "topic/partition" and position = offset.
/// - Metrics: `pendingRecords` (consumer lag), `numBytesIn`, `commitsSucceeded`, `commitsFailed`,
///   `assignedPartitions`.
public struct KafkaSource<Record>: SourceConnector {
    public let options: KafkaSourceOptions
    public let deserializer: any KafkaDeserializer<Record>

    public init(options: KafkaSourceOptions, deserializer: any KafkaDeserializer<Record>) {
        self.options = options
        self.deserializer = deserializer
    }

    /// The common options inline; the rest through `configure`.
    public init(topic: String, bootstrapServers: String = defaultBootstrapServers(), groupId: String? = nil,
                startingOffsets: StartingOffsets = .earliest, bounded: Bool = false,
                deserializer: any KafkaDeserializer<Record>,
                configure: (inout KafkaSourceOptions) -> Void = { _ in }) {
        var o = KafkaSourceOptions(bootstrapServers: bootstrapServers, topic: topic, groupId: groupId)
        o.startingOffsets = startingOffsets
        o.bounded = bounded
        configure(&o)
        self.init(options: o, deserializer: deserializer)
    }

    /// Readers beyond the partition count get nothing to read (the partition count is not known before the job
    /// runs, so any parallelism is accepted).
    public var maxParallelism: Int? { nil }

    public var description: String {
        var s = "KafkaSource(\(options.topic), start: \(options.startingOffsets)"
        if let g = options.groupId { s += ", group: \(g)" }
        if options.bounded { s += ", bounded" }
        return s + ")"
    }

    public func createReader(subtask: Int, parallelism: Int) throws -> any SourceReader<Record> {
        KafkaSourceReader(options: options, subtask: subtask, parallelism: parallelism,
                          deserializer: deserializer.forReader())
    }
}

extension KafkaSource where Record: JSONDecodableRecord {
    /// A source of JSON message values.
    public init(topic: String, bootstrapServers: String = defaultBootstrapServers(), groupId: String? = nil,
                startingOffsets: StartingOffsets = .earliest, bounded: Bool = false,
                configure: (inout KafkaSourceOptions) -> Void = { _ in }) {
        self.init(topic: topic, bootstrapServers: bootstrapServers, groupId: groupId, startingOffsets: startingOffsets,
                  bounded: bounded, deserializer: JSONDeserializer<Record>(), configure: configure)
    }
}
