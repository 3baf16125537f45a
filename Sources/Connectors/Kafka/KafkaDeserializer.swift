import Dataflow

/// One consumed message, borrowed from librdkafka: the key and value bytes are valid only during the call
/// they are passed to (copy what you keep).
public struct KafkaMessage {
    public let topic: String
    public let partition: Int
    public let offset: Int64
    /// The message timestamp (epoch ms), or `noTimestamp` when the message has none.
    public let timestamp: Timestamp
    /// Nil for a message without a key.
    public let key: UnsafeRawBufferPointer?
    /// Empty for a tombstone (null value).
    public let value: UnsafeRawBufferPointer

    @inlinable
    public init(topic: String, partition: Int, offset: Int64, timestamp: Timestamp,
                key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer) {
        self.topic = topic; self.partition = partition; self.offset = offset; self.timestamp = timestamp
        self.key = key; self.value = value
    }
}

/// Turns a Kafka message into a record (Flink's `KafkaRecordDeserializationSchema`). Throwing makes the message a
/// dead letter (origin "topic/partition", position = offset, reason = the error); it never fails the job.
public protocol KafkaDeserializer<Record>: Sendable {
    associatedtype Record
    /// Called once per reader, on its thread, before its first message: a deserializer with scratch state
    /// (a parser, buffers) returns a copy with state of its own. The default returns `self`.
    func forReader() -> Self
    func deserialize(_ message: KafkaMessage) throws -> Record
}

extension KafkaDeserializer {
    public func forReader() -> Self { self }
}

/// Reads the message value as one JSON object (`JSONDecodableRecord`); the key is ignored.
public struct JSONDeserializer<T: JSONDecodableRecord>: KafkaDeserializer, @unchecked Sendable {
    // A parser reuses its buffers, so each reader gets its own (`forReader`); the shared prototype has none.
    // That is what makes the unchecked Sendable sound: a parser is only ever used on one reader's thread.
    private let parser: JSONLineParser?

    public init() { parser = nil }
    private init(parser: JSONLineParser) { self.parser = parser }

    public func forReader() -> JSONDeserializer<T> { JSONDeserializer(parser: JSONLineParser()) }

    public func deserialize(_ message: KafkaMessage) throws -> T {
        try (parser ?? JSONLineParser()).decode(T.self, from: message.value)
    }
}
