import Dataflow
import Foundation
import Jobs
import KafkaConnector
import Runtime
import Testing

/// chat-d1 published in order into a one-partition topic and replayed from Kafka gives Flink's answer too.
@Suite("The clip detector replays from Kafka", .serialized)
struct KafkaReplayTests {
    static let servers = ProcessInfo.processInfo.environment["KAFKA_BOOTSTRAP_SERVERS"] ?? "127.0.0.1:59092"

    @Test("chat-d1 through a one-partition topic: Flink's windows and anomalies, at parallelism 2 and 3")
    func replayFromKafka() async throws {
        let input = sharedGolden.appendingPathComponent("chat-d1.jsonl.zst").path
        let topic = "chat-d1-\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try KafkaAdmin(bootstrapServers: Self.servers, timeout: .seconds(15))
        try admin.createTopic(topic, partitions: 1)
        defer { try? admin.deleteTopic(topic) }

        let publish = try ChatPublish.job(input: input, topic: "kafka://\(Self.servers)/\(topic)")
        let published = try await LocalExecutor().run(publish, parallelism: 1)
        #expect(published.status == .finished, "\(published.failure ?? "")")
        #expect(published.metric("chat-topic", "numRecordsIn") == 775_436)

        let goldenWindows = try readLines(sharedGolden.appendingPathComponent("chat-d1.windows.csv.zst").path)
        let goldenAnomalies = try readLines(sharedGolden.appendingPathComponent("chat-d1.anomalies.csv").path)
        for p in [2, 3] {
            let out = try await replay("kafka://\(Self.servers)/\(topic)", parallelism: p)
            #expect(out.result.status == .finished, "\(out.result.failure ?? "")")
            #expect(out.result.metric("chat-source", "numRecordsOut") == 775_436)
            #expect(out.windows == goldenWindows)
            expectSameAnomalies(out.anomalies, goldenAnomalies)
        }
    }

    @Test("a malformed input address is a clear parameter error")
    func badAddress() throws {
        #expect(throws: JobParameterError.self) { try ChatInput("kafka://no-topic") }
        #expect(throws: JobParameterError.self) { try ChatInput("kafka:///topic") }
        if case .kafka(let servers, let topic) = try ChatInput("kafka://a:1,b:2/chat") {
            #expect(servers == "a:1,b:2")
            #expect(topic == "chat")
        } else {
            Issue.record("not parsed as Kafka")
        }
    }
}
