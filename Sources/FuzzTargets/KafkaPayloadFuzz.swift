import Dataflow
import Jobs
import KafkaConnector

/// The Kafka payload deserializer the chat topics are read with (`JSONDeserializer<ChatMessage>`), on a reader's
/// own parser as the source uses it. The first byte picks whether the message has a key (ignored, but present).
public enum KafkaPayloadFuzz: FuzzTarget {
    public static let name = "kafka-payload"
    private static let deserializer = JSONDeserializer<ChatMessage>().forReader()

    public static func run(_ data: UnsafeRawBufferPointer) {
        let key = data.first.map { $0 & 1 == 1 } ?? false ? UnsafeRawBufferPointer(rebasing: data.prefix(4)) : nil
        let message = KafkaMessage(topic: "chat", partition: 0, offset: 0, timestamp: 0, key: key, value: data)
        if let chat = try? deserializer.deserialize(message) {
            fuzzCheck(!chat.broadcasterID.isEmpty, "a message without a broadcaster was accepted")
        }
    }
}
