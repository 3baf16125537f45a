import Dataflow
import Foundation
import KafkaConnector
import Runtime
import Testing

extension KafkaTests {
    @Test("malformed, empty and oversized messages become dead letters with topic/partition and offset; the rest is read")
    func deadLetters() async throws {
        let (admin, topic) = try Broker.createTopic("bad", partitions: 2)
        defer { try? admin.deleteTopic(topic) }
        func ok(_ id: Int64, payload: String = "") -> [UInt8] { Event(id: id, key: "k", payload: payload).bytes }
        try produce(topic, [
            KafkaProducerRecord(value: ok(1), partition: 0),                                  // 0/0
            KafkaProducerRecord(value: Array("not json".utf8), partition: 0),                 // 0/1
            KafkaProducerRecord(value: ok(2), partition: 0),                                  // 0/2
            KafkaProducerRecord(value: ok(99, payload: String(repeating: "x", count: 2000)), partition: 0),  // 0/3 oversized
            KafkaProducerRecord(value: ok(3), partition: 0),                                  // 0/4
            KafkaProducerRecord(value: [], partition: 0),                                     // 0/5 empty (tombstone)
            KafkaProducerRecord(value: Array(#"{"id":"x","key":"k","ts":0,"payload":""}"#.utf8), partition: 1),  // 1/0
            KafkaProducerRecord(value: ok(4), partition: 1),                                  // 1/1
            KafkaProducerRecord(value: Array(#"{"id":5,"key":"k""#.utf8), partition: 1),      // 1/2 truncated
        ])
        let records = CollectingSink<Event>()
        let letters = CollectingSink<DeadLetter>()
        let job = try Job("bad-input") {
            Source("kafka", KafkaSource<Event>(topic: topic, bootstrapServers: Broker.servers, bounded: true) {
                $0.maxMessageBytes = 1000
            })
            .sideOutput(.deadLetters) { Sink("dead", letters) }
            Sink("out", records)
        }
        let result = try await runJob(job)
        #expect(result.status == .finished, "\(result.failure ?? "")")
        #expect(records.values.map(\.id).sorted() == [1, 2, 3, 4])

        let got = letters.values.sorted { ($0.origin, $0.position) < ($1.origin, $1.position) }
        #expect(got.map { "\($0.origin)@\($0.position)" } == ["\(topic)/0@1", "\(topic)/0@3", "\(topic)/0@5", "\(topic)/1@0", "\(topic)/1@2"])
        if got.count == 5 {
            #expect(got[0].reason.contains("not a JSON object") && got[0].raw == "not json", "\(got[0])")
            #expect(got[1].reason.contains("larger than maxMessageBytes (1000)") && got[1].raw.utf8.count <= 256, "\(got[1])")
            #expect(got[2].raw.isEmpty, "\(got[2])")
            #expect(got[3].reason.contains("'id'"), "\(got[3])")
            #expect(got[4].reason.contains("unterminated") || got[4].reason.contains("expected"), "\(got[4])")
        }
        #expect(result.metric("kafka", "numDeadLetters") == 5)
        #expect(result.metric("kafka", "numRecordsOut") == 4)
    }

    @Test("an unreachable broker at start fails the job within the startup timeout, naming the servers")
    func unreachableBrokerSource() async throws {
        let start = ContinuousClock.now
        let job = try Job("unreachable") {
            Source("kafka", KafkaSource<Event>(topic: "anything", bootstrapServers: "127.0.0.1:1", bounded: true) {
                $0.startupTimeout = .seconds(2)
            })
            Sink("out", CollectingSink<Event>())
        }
        let result = try await runJob(job, timeout: .seconds(30))
        let elapsed = ContinuousClock.now - start
        #expect(result.status == .failed)
        let failure = result.failure ?? ""
        #expect(failure.contains("no Kafka broker reachable at 127.0.0.1:1 within 2000 ms"), "\(failure)")
        #expect(elapsed >= .seconds(2) && elapsed < .seconds(8), "\(elapsed)")
        print("unreachable source failed after \(elapsed): \(failure)")
    }

    @Test("an unreachable broker fails a sink's job at open, naming the servers")
    func unreachableBrokerSink() async throws {
        let job = try Job("unreachable-sink") {
            Source("events", CollectionSource([Event(id: 1, key: "k")]))
            Sink("kafka", KafkaSink<Event>(topic: "anything", bootstrapServers: "127.0.0.1:1", configure: { $0.startupTimeout = .seconds(2) }))
        }
        let result = try await runJob(job, timeout: .seconds(30))
        #expect(result.status == .failed)
        #expect(result.failure?.contains("no Kafka broker reachable at 127.0.0.1:1") == true, "\(result.failure ?? "")")
    }

    @Test("a topic that does not exist fails a bounded source with a clear error; a sink fails or the broker creates it")
    func missingTopic() async throws {
        let admin = try Broker.admin()
        let missing = "test-missing-\(UUID().uuidString.prefix(8).lowercased())"
        let (r1, _) = try await readAll(missing)
        #expect(r1.status == .failed)
        #expect(r1.failure?.contains("topic '\(missing)' does not exist") == true, "\(r1.failure ?? "")")
        let job = try Job("missing-sink") {
            Source("events", CollectionSource([Event(id: 1, key: "k")]))
            Sink("kafka", KafkaSink<Event>(topic: missing, bootstrapServers: Broker.servers))
        }
        // A producer's metadata request allows the broker to create the topic (Tansu and Kafka's default
        // auto.create.topics.enable do); where it does not, the sink fails at open, naming the topic.
        defer { try? admin.deleteTopic(missing) }
        let r2 = try await runJob(job)
        if r2.status == .finished {
            #expect(try admin.partitionCount(missing) != nil, "the sink finished, so the broker must have created the topic")
        } else {
            #expect(r2.failure?.contains("topic '\(missing)' does not exist") == true, "\(r2.failure ?? "")")
        }
    }

    @Test("settings: a managed key in properties and an invalid librdkafka value fail with the key named")
    func badSettings() async throws {
        let (admin, topic) = try Broker.createTopic("settings", partitions: 1)
        defer { try? admin.deleteTopic(topic) }
        let (r1, _) = try await readAll(topic) { $0.properties = ["enable.auto.commit": "true"] }
        #expect(r1.status == .failed)
        #expect(r1.failure?.contains("'enable.auto.commit' is managed by the connector") == true, "\(r1.failure ?? "")")
        let (r2, _) = try await readAll(topic) { $0.properties = ["fetch.max.bytes": "lots"] }
        #expect(r2.status == .failed)
        #expect(r2.failure?.contains("fetch.max.bytes=lots") == true, "\(r2.failure ?? "")")
    }
}
