import Dataflow
import FileConnector
import Foundation
import KafkaConnector
import PostgresConnector

/// Loads a recorded chat stream into a Kafka topic, keyed by broadcaster_id, in file order — the way the
/// monitoring service publishes chat, so that a topic can be replayed (`-D input=kafka://…`).
public enum ChatPublish {
    public static let name = "chat-publish"

    public static func job(name: String = name, input: String, topic: String) throws -> Job {
        guard case .kafka(let servers, let topicName) = try ChatInput(topic) else {
            throw JobParameterError("topic must be kafka://host:port/topic, not '\(topic)'")
        }
        return try Job(name) {
            Source("chat-file", JSONLinesSource<ChatMessage>(path: input))
            Sink("chat-topic", KafkaSink<ChatMessage>(topic: topicName, bootstrapServers: servers, key: { $0.broadcasterID }))
                .parallelism(1)
        }
    }
}

/// Reads a topic to the end offsets present at start, into nothing: the Kafka source's own throughput.
public enum KafkaReadBench {
    public static let name = "kafka-read-bench"

    public static func job(name: String = name, input: String) throws -> Job {
        let chat = try ChatInput(input)
        guard chat.isKafka else { throw JobParameterError("input must be kafka://host:port/topic, not '\(input)'") }
        return try Job(name) {
            Source("topic", chat.source)
            Sink("discard", DiscardingSink<ChatMessage>())
        }
    }
}

/// A generated row for the PostgreSQL sink benchmark.
public struct BenchRow: PostgresRow, Sendable {
    public let id: Int64
    public let channel: String
    public let count: Int64
    public let mean: Double
    public static let postgresColumns = ["id", "channel", "count", "mean"]
    public var postgresValues: [PostgresValue] { [.int64(id), .text(channel), .int64(count), .double(mean)] }
}

/// Writes generated rows into a PostgreSQL table through the upserting sink: its rows/s.
public enum PostgresSinkBench {
    public static let name = "postgres-sink-bench"

    public static func job(name: String = name, rows: Int, table: String, url: String?) throws -> Job {
        guard table.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw JobParameterError("table must be a plain identifier, not '\(table)'")
        }
        let configuration = try PostgresConfiguration.fromEnvironment(url: url)
        // The table is prepared when the job is built, so that the run measures the writes alone.
        let connection = try PostgresConnection(configuration: configuration)
        _ = try connection.execute("CREATE TABLE IF NOT EXISTS \(table) (id BIGINT PRIMARY KEY, channel TEXT NOT NULL, count BIGINT, mean DOUBLE PRECISION)")
        _ = try connection.execute("TRUNCATE \(table)")
        connection.close()
        return try Job(name) {
            Source("rows", GeneratorSource(count: rows) { i in
                BenchRow(id: Int64(i), channel: "\(100_000 + i % 100)", count: Int64(i % 1000), mean: Double(i) / 7)
            })
            Sink("postgres", PostgresSink<BenchRow>(table: table, upsertOn: "id", configuration: configuration))
        }
    }
}
