import Dataflow
import Foundation
import KafkaConnector
import Runtime
import Testing

extension KafkaTests {
    @Test("pendingRecords reports the consumer lag while a slow pipeline reads, and 0 once it caught up")
    func consumerLag() async throws {
        let (admin, topic) = try Broker.createTopic("lag", partitions: 2)
        defer { try? admin.deleteTopic(topic) }
        try produce(topic, (0..<3000).map { KafkaProducerRecord(value: Event(id: Int64($0), key: "k").bytes, partition: $0 % 2) })
        // The sink takes ~1 ms per record and runs on the source's thread, so the reader falls behind.
        let sink = CollectingSink<Received> { _ in Thread.sleep(forTimeInterval: 0.001) }
        let source = KafkaSource(topic: topic, bootstrapServers: Broker.servers, deserializer: ReceivedDeserializer())
        let job = try Job("lag") {
            Source("kafka", source)
            Sink("slow", sink)
        }
        try await withRunningJob(job) { execution in
            func lag() -> Int64 { execution.subtaskMetrics().first { $0.stage == "kafka" }?.values["pendingRecords"] ?? -1 }
            var maxLag: Int64 = 0
            let caughtUp = try await eventually(.seconds(30)) {
                maxLag = max(maxLag, lag())
                return sink.count == 3000
            }
            #expect(caughtUp, "\(sink.count) of 3000")
            #expect(maxLag > 500, "lag seen while reading: \(maxLag)")
            #expect(try await eventually(.seconds(3)) { lag() == 0 }, "lag after catching up: \(lag())")
        }
    }
}
