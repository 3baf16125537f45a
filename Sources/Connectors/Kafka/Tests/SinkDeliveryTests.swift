import Dataflow
import Foundation
import KafkaConnector
import Runtime
import Testing

extension KafkaTests {
    @Test("a message the producer cannot queue fails the job with the cause (unknown partition)")
    func sinkRejectsUnknownPartition() async throws {
        let (admin, topic) = try Broker.createTopic("badpart", partitions: 2)
        defer { try? admin.deleteTopic(topic) }
        let job = try Job("bad-partition") {
            Source("records", CollectionSource([KafkaProducerRecord(value: Array("{}".utf8), partition: 7)]))
            Sink("kafka", KafkaSink(topic: topic, bootstrapServers: Broker.servers, serializer: RawSerializer()))
        }
        let result = try await runJob(job)
        #expect(result.status == .failed)
        #expect(result.failure?.contains("cannot produce to '\(topic)'") == true, "\(result.failure ?? "")")
        #expect(result.failure?.lowercased().contains("unknown partition") == true, "\(result.failure ?? "")")
    }

    @Test("a failed delivery (timed out, broker unreachable) is thrown from flush and from every later send")
    func deliveryFailureSurfaces() throws {
        var options = KafkaSinkOptions(bootstrapServers: "127.0.0.1:1", topic: "nowhere")
        options.deliveryTimeout = .seconds(1)
        let producer = try KafkaProducer(options: options)   // no connect(): the messages are queued and time out
        for i in 0..<10 { try producer.send(KafkaProducerRecord(value: Event(id: Int64(i), key: "k").bytes)) }
        let start = ContinuousClock.now
        #expect {
            try producer.flush()
        } throws: { error in
            let text = "\(error)"
            return text.contains("10 message(s) could not be delivered to 'nowhere' at 127.0.0.1:1") && text.contains("timed out")
        }
        #expect(ContinuousClock.now - start < .seconds(10))
        #expect(producer.failedCount == 10 && producer.deliveredCount == 0)
        #expect(throws: KafkaError.self) { try producer.send(KafkaProducerRecord(value: [1])) }
    }

    @Test("a full producer queue slows the writer down instead of dropping (backpressure)")
    func queueFullBackpressure() throws {
        let (admin, topic) = try Broker.createTopic("backpressure", partitions: 3)
        defer { try? admin.deleteTopic(topic) }
        var options = KafkaSinkOptions(bootstrapServers: Broker.servers, topic: topic)
        options.queueMessages = 100
        options.lingerMillis = 2
        let producer = try KafkaProducer(options: options)
        try producer.connect()
        let n = 10_000
        for i in 0..<n {
            try producer.send(KafkaProducerRecord(key: Array("k\(i % 50)".utf8), value: Event(id: Int64(i), key: "k").bytes))
        }
        try producer.flush()
        #expect(producer.queueFullWaits > 0)
        #expect(producer.deliveredCount == n && producer.failedCount == 0)
        try producer.close(timeout: .seconds(5))
        #expect(try admin.describe(topic).map(\.messageCount).reduce(0, +) == Int64(n))
    }
}
