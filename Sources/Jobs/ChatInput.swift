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
    public var source: any SourceConnector<ChatMessage> { source(follow: false) }

    /// With `follow`, a topic is read without end (new messages as they come), until the job is stopped — with
    /// `dataflow stop --drain` to fire the last windows.
    public func source(follow: Bool) -> any SourceConnector<ChatMessage> {
        switch self {
        case .file(let path): JSONLinesSource<ChatMessage>(path: path)
        case .kafka(let servers, let topic):
            KafkaSource<ChatMessage>(topic: topic, bootstrapServers: servers, startingOffsets: .earliest, bounded: !follow)
        }
    }

    /// The most readers the source uses: a file is one split; a topic gets one reader per partition (fewer when the
    /// job's parallelism is lower). A reader with no partition would only announce that it is idle — and until that announcement
    /// reaches the windows it holds event time back while the others' records flow, so which records count as late
    /// would depend on thread timing (at the start, and again after every restore from a savepoint).
    /// Nil (the job's parallelism) when the broker cannot tell the partition count now.
    var sourceParallelism: Int? {
        switch self {
        case .file:
            return 1
        case .kafka(let servers, let topic):
            guard let admin = try? KafkaAdmin(bootstrapServers: servers, timeout: .seconds(5)),
                  let count = try? admin.partitionCount(topic), count > 0 else { return nil }
            return count
        }
    }
}
