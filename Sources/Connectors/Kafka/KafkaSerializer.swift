import Dataflow

/// One message to produce.
public struct KafkaProducerRecord: Sendable, Equatable {
    /// Nil: no key (librdkafka then spreads messages over the partitions).
    public var key: [UInt8]?
    public var value: [UInt8]
    /// Nil: chosen by the partitioner from the key (murmur2, like the Java client, so keys land where a Java
    /// producer would put them).
    public var partition: Int?
    /// Epoch ms; nil: the record's event timestamp when the sink writes timestamps, else the producer's clock.
    public var timestamp: Int64?

    public init(key: [UInt8]? = nil, value: [UInt8], partition: Int? = nil, timestamp: Int64? = nil) {
        self.key = key; self.value = value; self.partition = partition; self.timestamp = timestamp
    }
}

/// Turns a record into a Kafka message (Flink's `KafkaRecordSerializationSchema`). Throwing fails the job: a record
/// that cannot be written is an error, not something to skip silently.
public protocol KafkaSerializer<Record>: Sendable {
    associatedtype Record
    /// Called once per writer, on its thread: return a copy with scratch state of its own. Default: `self`.
    func forWriter() -> Self
    /// `timestamp` is the record's event timestamp (`noTimestamp` when it has none).
    func serialize(_ record: Record, timestamp: Timestamp) throws -> KafkaProducerRecord
}

extension KafkaSerializer {
    public func forWriter() -> Self { self }
}

/// Writes the record as one JSON object; the key (typically the partitioning field) comes from a closure.
public struct JSONSerializer<T: JSONEncodableRecord>: KafkaSerializer {
    public let key: (@Sendable (T) -> String?)?

    /// - Parameter key: the message key, e.g. `{ $0.broadcasterID }`; nil: messages without key.
    public init(key: (@Sendable (T) -> String?)? = nil) { self.key = key }

    public func serialize(_ record: T, timestamp: Timestamp) throws -> KafkaProducerRecord {
        KafkaProducerRecord(key: key?(record).map { Array($0.utf8) }, value: JSONWriter.encode(record))
    }
}

/// Sends `KafkaProducerRecord`s as they are (tools, tests, pre-serialized data).
public struct RawSerializer: KafkaSerializer {
    public init() {}
    public func serialize(_ record: KafkaProducerRecord, timestamp: Timestamp) throws -> KafkaProducerRecord { record }
}
