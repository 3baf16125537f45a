import Dataflow
import FileConnector
import KafkaConnector

/// Where a recorded chat stream comes from: a JSON-lines file (`.jsonl`, `.jsonl.zst`) or a Kafka topic
/// (`kafka://host:port[,host:port]/topic`), read from the earliest offset to the end offsets present at start.
public enum ChatInput {
    case file(path: String)
    case kafka(bootstrapServers: String, topic: String)

    public init(_ input: String) throws {
        guard input.hasPrefix("kafka://") else { self = .file(path: input); return }
        let rest = input.dropFirst("kafka://".count)
        guard let slash = rest.firstIndex(of: "/"), slash != rest.startIndex, rest.index(after: slash) != rest.endIndex else {
            throw JobParameterError("a Kafka input is kafka://host:port/topic, not '\(input)'")
        }
        self = .kafka(bootstrapServers: String(rest[..<slash]), topic: String(rest[rest.index(after: slash)...]))
    }

    public var isKafka: Bool { if case .kafka = self { true } else { false } }

    /// A bounded source of chat messages; undecodable lines or messages become dead letters.
    public var source: any SourceConnector<ChatMessage> {
        switch self {
        case .file(let path): JSONLinesSource<ChatMessage>(path: path)
        case .kafka(let servers, let topic): KafkaSource<ChatMessage>(topic: topic, bootstrapServers: servers, startingOffsets: .earliest, bounded: true)
        }
    }

    /// Readers the source can use: a file is one split; a topic's partitions are spread over the job's readers.
    var sourceParallelism: Int? { isKafka ? nil : 1 }
}
