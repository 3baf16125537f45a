import Dataflow

/// Writes records to one Kafka topic (Flink's `KafkaSink` with `DeliveryGuarantee.AT_LEAST_ONCE`).
///
/// Every `flushInterval` (the sink's tick), at the end of the input and on close, the writer waits until every
/// message written so far is acknowledged. A message the broker rejects or that times out fails the job with an
/// error naming the topic and the cause, from the next write or flush — never silently. A full producer queue
/// slows the writer down (backpressure), it does not drop.
public struct KafkaSink<Record>: SinkConnector {
    public let options: KafkaSinkOptions
    public let serializer: any KafkaSerializer<Record>

    public init(options: KafkaSinkOptions, serializer: any KafkaSerializer<Record>) {
        self.options = options
        self.serializer = serializer
    }

    public init(topic: String, bootstrapServers: String = defaultBootstrapServers(),
                serializer: any KafkaSerializer<Record>, configure: (inout KafkaSinkOptions) -> Void = { _ in }) {
        var o = KafkaSinkOptions(bootstrapServers: bootstrapServers, topic: topic)
        configure(&o)
        self.init(options: o, serializer: serializer)
    }

    public var description: String { "KafkaSink(\(options.topic))" }

    public func createWriter(subtask: Int, parallelism: Int) throws -> any SinkWriter<Record> {
        KafkaSinkWriter(options: options, serializer: serializer.forWriter(),
                        name: "Kafka sink '\(options.topic)' (\(subtask + 1)/\(parallelism))")
    }
}

extension KafkaSink where Record: JSONEncodableRecord {
    /// A sink of JSON message values, keyed by `key` (nil: no key).
    public init(topic: String, bootstrapServers: String = defaultBootstrapServers(),
                key: (@Sendable (Record) -> String?)? = nil, configure: (inout KafkaSinkOptions) -> Void = { _ in }) {
        self.init(topic: topic, bootstrapServers: bootstrapServers, serializer: JSONSerializer(key: key),
                  configure: configure)
    }
}

final class KafkaSinkWriter<Record>: SinkWriter {
    private let options: KafkaSinkOptions
    private let serializer: any KafkaSerializer<Record>
    private let name: String
    private var producer: KafkaProducer?

    init(options: KafkaSinkOptions, serializer: any KafkaSerializer<Record>, name: String) {
        self.options = options
        self.serializer = serializer
        self.name = name
    }

    func open() throws {
        let p = try KafkaProducer(options: options, name: name)
        try p.connect()
        producer = p
    }

    func write(_ value: Record, timestamp: Timestamp) throws {
        guard let producer else { throw KafkaError("\(name) is not open") }
        var record = try serializer.serialize(value, timestamp: timestamp)
        if record.timestamp == nil, options.writeTimestamps, timestamp != noTimestamp { record.timestamp = timestamp }
        try producer.send(record)
    }

    var tickInterval: Int64? { options.flushInterval?.milliseconds }

    /// Bounds what is unacknowledged at any time to one flush interval's worth.
    func tick(now: Timestamp) throws { try producer?.flush() }

    func flush() throws { try producer?.flush() }

    func close() throws {
        defer { producer = nil }
        try producer?.close(timeout: options.closeTimeout)
    }
}
